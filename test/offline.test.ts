// The parts that make the site work offline, one by one: page-relative links, the twins of Pagefind's files, the
// classic build of pagefind.js, and the archive (byte-identical, sorted, never inside itself).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import vm from "node:vm";
import { relativeLinks } from "../layouts/base.11ty.ts";
import { classicPagefind, twin } from "../scripts/search-disk.ts";
import { writeArchive } from "../scripts/archive.ts";

test("site paths in href, src and action become relative to the page; other URLs and text stay as written", () => {
  const page = '<a href="/topics/x/">t</a><link rel="stylesheet" href="/assets/site.css"><script src="/assets/site.js"></script><form action="/search/" method="get">';
  assert.equal(
    relativeLinks(page, "/topics/x/page/2/"),
    '<a href="../../../../topics/x/">t</a><link rel="stylesheet" href="../../../../assets/site.css"><script src="../../../../assets/site.js"></script><form action="../../../../search/" method="get">',
  );
  assert.equal(relativeLinks('<a href="/">home</a><a href="/search/?q=a%20b">s</a>', "/"), '<a href="./">home</a><a href="./search/?q=a%20b">s</a>');
  const kept = '<a href="https://arxiv.org/abs/1">a</a><a href="//host/x">b</a><a href="#main">c</a><link rel="alternate" type="application/atom+xml" title="t" href="/feed.xml"><p>href=&quot;/x&quot; &lt;a href="/y"&gt;</p>';
  assert.equal(relativeLinks(kept, "/papers/p/"), kept);
  // A page served at any missing path keeps its site paths (the base plugin prefixes them).
  assert.equal(relativeLinks('<a href="/topics/">t</a>', "/404.html"), '<a href="/topics/">t</a>');
});

test("a twin registers its file's bytes under the file's site path", () => {
  const bytes = Buffer.from([0x1f, 0x8b, 0, 1, 2, 255, 0x22, 0x5c]);
  const context: Record<string, unknown> = {};
  context.self = context;
  vm.runInNewContext(twin("pagefind-1/index/en_1.pf_index", bytes), context);
  const text = (context.pagefindFiles as Map<string, string> | undefined)?.get("pagefind-1/index/en_1.pf_index");
  assert.ok(text !== undefined);
  assert.deepEqual(Buffer.from(text, "base64"), bytes);
});

test("Pagefind's module becomes a classic script that registers its exports under the URL of the pagefind.js beside it", () => {
  const source = 'const here = import.meta.url; export const where = () => here; export async function init() { return 1; }';
  const script = classicPagefind(source);
  assert.doesNotMatch(script, /\bimport\.meta\b|^export\b|\bexport\s*\{/m);
  const context: Record<string, unknown> = { document: { currentScript: { src: "file:///a%20b/site/pagefind-2/pagefind-classic.js" } }, URL };
  context.self = context;
  vm.runInNewContext(script, context);
  const module = (context.pagefindBundles as Record<string, { where(): string }> | undefined)?.["file:///a%20b/site/pagefind-2/pagefind.js"];
  assert.ok(module, "registered under the folder's pagefind.js");
  assert.equal(module.where(), "file:///a%20b/site/pagefind-2/pagefind.js");
});

test("the archive holds every other file of the site under one folder, in sorted order, byte-identical when written again", async () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), "archive-"));
  try {
    const site = path.join(tmp, "site");
    for (const [file, text] of [["index.html", "home"], ["b/index.html", "b"], ["a/z.txt", "z"], ["a/b c/ü.txt", "u"], ["A.txt", "A"]]) {
      mkdirSync(path.dirname(path.join(site, file)), { recursive: true });
      writeFileSync(path.join(site, file), text);
    }
    assert.equal(await writeArchive(site), 5);
    const zip = path.join(site, "paper-catalogue.zip");
    const first = readFileSync(zip);
    const listing = execFileSync("unzip", ["-Z1", zip], { encoding: "utf8" }).trim().split("\n");
    assert.deepEqual(listing, ["paper-catalogue/A.txt", "paper-catalogue/a/b c/ü.txt", "paper-catalogue/a/z.txt", "paper-catalogue/b/index.html", "paper-catalogue/index.html"]);
    // Written again later, over its previous self, with the files' times changed: the same bytes, and not inside itself.
    utimesSync(path.join(site, "index.html"), new Date(2030, 1, 1), new Date(2030, 1, 1));
    await writeArchive(site);
    assert.ok(readFileSync(zip).equals(first), "byte-identical");
    const out = path.join(tmp, "out");
    execFileSync("unzip", ["-q", zip, "-d", out]);
    assert.equal(readFileSync(path.join(out, "paper-catalogue/a/b c/ü.txt"), "utf8"), "u");
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
