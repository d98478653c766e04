// End to end on the bundled dumps: every entry accounted for, every page family present, the search index built.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { build, root } from "../scripts/build.ts";
import { readDumps } from "../scripts/dumps-file.ts";
import { parseDump } from "../scripts/stages/parse.ts";
import { templateVersion } from "../scripts/render-cache.ts";
import { removeBuildCache } from "./helpers/cache.ts";

interface Catalogue {
  papers: { id: string; url: string; title: string; abstract: string; topics: string[]; date: string | null; upvotes: number | null; authors: number | null; sources: { file: string; line: number; title: string }[] }[];
  rejected: { file: string; line: number; reason: string }[];
}

const dumps = path.join(root, "content/dumps");
let out: string;
let cat: Catalogue;
let report: string;

before(async () => {
  out = path.join(mkdtempSync(path.join(os.tmpdir(), "catalogue-build-")), "site");
  const result = await build({ dumps, out, base: "/", strict: false, log: () => {} });
  assert.ok(result.ok);
  report = result.report;
  cat = JSON.parse(readFileSync(path.join(out, "catalogue.json"), "utf8"));
});

after(() => {
  removeBuildCache(dumps, out);
  rmSync(path.dirname(out), { recursive: true, force: true });
});

test("writes one page per distinct paper: 440 from the bundled dumps", () => {
  assert.equal(cat.papers.length, 440);
  const pages = readdirSync(path.join(out, "papers")).filter((d) => existsSync(path.join(out, "papers", d, "index.html")));
  assert.equal(pages.length, 440);
  for (const p of cat.papers) assert.ok(existsSync(path.join(out, p.url, "index.html")), p.url);
});

test("lists every one of the 505 dump entries in exactly one paper's sources, with the title as read", () => {
  const { dumps: files } = readDumps(dumps);
  const entries = files.flatMap((d) => parseDump(d.file, d.text).entries);
  assert.equal(entries.length, 505);
  const seen = new Map<string, string>();
  for (const p of cat.papers) {
    for (const s of p.sources) {
      const key = `${s.file}:${s.line}`;
      assert.ok(!seen.has(key), `${key} is listed twice`);
      seen.set(key, s.title);
    }
  }
  assert.equal(seen.size, 505);
  for (const e of entries) assert.equal(seen.get(`${e.source.file}:${e.source.line}`), e.title);
  assert.deepEqual(cat.rejected, []);
});

test("keeps dates, upvotes and author counts where a dump has them", () => {
  assert.equal(cat.papers.filter((p) => p.date !== null).length, 28);
  const polycom = cat.papers.find((p) => p.title.startsWith("Polynomial Composition Activations"));
  assert.deepEqual([polycom?.date, polycom?.upvotes, polycom?.authors], ["2024-11-06", 1, 6]);
});

test("puts every paper in at least one and at most three topics, each with a page", () => {
  for (const p of cat.papers) {
    assert.ok(p.topics.length >= 1 && p.topics.length <= 3, p.url);
    for (const t of p.topics) assert.ok(existsSync(path.join(out, "topics", t, "index.html")), t);
  }
  assert.ok(existsSync(path.join(out, "topics/index.html")));
});

test("has a page for every year and month present, and for undated papers", () => {
  for (const p of cat.papers.filter((x) => x.date)) {
    const [y, m] = p.date!.split("-");
    assert.ok(existsSync(path.join(out, "dates", y, "index.html")), y);
    assert.ok(existsSync(path.join(out, "dates", y, m, "index.html")), `${y}/${m}`);
  }
  for (const page of ["dates/index.html", "dates/undated/index.html", "search/index.html", "index.html", "404.html"]) assert.ok(existsSync(path.join(out, page)), page);
});

test("date pages list papers newest first", () => {
  const html = readFileSync(path.join(out, "dates/2023/index.html"), "utf8");
  const dates = [...html.matchAll(/<time datetime="(\d{4}-\d{2}-\d{2})"/g)].map((m) => m[1]);
  assert.ok(dates.length > 1);
  assert.deepEqual(dates, [...dates].sort().reverse());
});

test("builds a Pagefind index of the paper pages only", () => {
  const entry = JSON.parse(readFileSync(path.join(out, "pagefind/pagefind-entry.json"), "utf8"));
  assert.equal(entry.languages.en.page_count, 440);
  assert.ok(existsSync(path.join(out, "pagefind/pagefind.js")));
});

test("paper pages link code found in the abstract and the dumps the paper came from", () => {
  const p = cat.papers.find((x) => x.title.startsWith("Polynomial Composition Activations"))!;
  const html = readFileSync(path.join(out, p.url, "index.html"), "utf8");
  assert.match(html, /<a href="https:\/\/github.com\/BryceZhuo\/PolyCom"/);
  for (const s of p.sources) assert.ok(html.includes(`${s.file}:${s.line}`));
});

test("the report counts entries per dump, merged duplicates, pages and rejections", () => {
  assert.match(report, /Entries: 505; duplicates merged: 65; papers: 440/);
  assert.match(report, /Rejected entries: 0/);
  assert.match(report, /000_1275fc8230ab7f90\.txt: 28 entries/);
});

test("building the bundled dumps again renders no paper page again", async () => {
  const again = await build({ dumps, out, base: "/", strict: false, log: () => {} });
  assert.ok(again.ok);
  assert.equal(again.counts.pagesRendered, 0);
  assert.equal(again.counts.pagesReused, 440);
});

test("the templates' version leaves out the files it is told to skip, and no template", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "template-version-"));
  try {
    mkdirSync(path.join(dir, "dumps"));
    const write = (f: string, text: string) => writeFileSync(path.join(dir, f), text);
    write("page.11ty.ts", "export const render = () => '';");
    write("dumps/a.txt", "Subscribe");
    write("permalinks.json", "{}");
    const skip = [path.join(dir, "dumps"), path.join(dir, "permalinks.json")];
    const v = templateVersion([dir], { base: "/" }, skip);
    write("dumps/a.txt", "Subscribe again");
    write("dumps/b.txt", "Another dump");
    write("permalinks.json", '{"papers": []}');
    assert.equal(templateVersion([dir], { base: "/" }, skip), v);
    assert.notEqual(templateVersion([dir], { base: "/x/" }, skip), v);
    write("page.11ty.ts", "export const render = () => 'x';");
    assert.notEqual(templateVersion([dir], { base: "/" }, skip), v);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
