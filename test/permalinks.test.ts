// Permalinks never break: adding or reordering dumps keeps every published URL; same-title papers get two stable URLs;
// curators' overrides (keyed by slug) survive re-ingests; an override naming no paper is reported.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { build, root } from "../scripts/build.ts";
import { removeBuildCache } from "./helpers/cache.ts";
import { ingest } from "../scripts/ingest.ts";
import { readFrontMatter } from "../scripts/frontmatter.ts";
import type { Paper } from "../scripts/types.ts";
import { compact, type Item } from "./helpers/dumps.ts";

const TAXONOMY = path.join(root, "content/taxonomy.yaml");


function abstract(topic: string): string {
  return `We study ${topic} in depth. Our method improves on prior work across several benchmarks, and we release code and data for ${topic} so that others can reproduce the results.`;
}

const A: Item = { title: "Attention Is All You Need", abstract: abstract("attention without recurrence") };
const A_OTHER: Item = { title: "Attention is all you need!", abstract: abstract("a different paper that reused a famous title") };
const B: Item = { title: "Scaling Laws for Neural Language Models", abstract: abstract("power laws in model size") };
const C: Item = { title: "深度学习", abstract: abstract("deep learning written in Chinese") };
const D: Item = { title: "???", abstract: abstract("a title of punctuation only") };
const E_FULL: Item = { title: "Cut Short: Abstracts in Dumps", abstract: abstract("abstracts that a dump cut off") };
const E_CUT: Item = { title: "Cut Short: Abstracts in Dumps", abstract: E_FULL.abstract.slice(0, 70) };
const F: Item = { title: "Diffusion Models Beat GANs on Image Synthesis", abstract: abstract("diffusion for images") };
const G: Item = { title: "Attention Is All You Need", abstract: abstract("yet another paper with this title, added later") };

function workspace() {
  const dir = mkdtempSync(path.join(os.tmpdir(), "permalinks-"));
  const dumps = path.join(dir, "dumps");
  mkdirSync(dumps);
  const run = () => ingest({ dumps, papersDir: path.join(dir, "papers"), state: dir, taxonomy: TAXONOMY });
  return { dir, dumps, run, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Paper identity independent of ids and file names: its title and the start of its abstract → slug. */
function urls(papers: Paper[]): Map<string, string> {
  return new Map(papers.map((p) => [`${p.title.plain}|${p.abstract.plain.slice(0, 60)}`, p.slug]));
}

function assertKept(before: Map<string, string>, after: Map<string, string>): void {
  for (const [paper, slug] of before) assert.equal(after.get(paper), slug, `URL of ${paper} changed`);
}

test("adding a dump never changes the URL of a paper already in the catalogue", async () => {
  const w = workspace();
  try {
    writeFileSync(path.join(w.dumps, "001.txt"), compact([A, B, C, D, E_CUT]));
    const first = urls((await w.run()).state.papers);
    // The new dump sorts first, repeats a title with another abstract, completes a cut-off abstract and adds papers.
    writeFileSync(path.join(w.dumps, "000.txt"), compact([G, E_FULL, F, A_OTHER]));
    const second = (await w.run()).state;
    const after = urls(second.papers);
    for (const [paper, slug] of first) {
      const key = paper.startsWith(E_CUT.title) ? `${E_FULL.title}|${E_FULL.abstract.slice(0, 60)}` : paper;
      assert.equal(after.get(key), slug, `URL of ${paper} changed`);
    }
    const e = second.papers.find((p) => p.title.plain === E_FULL.title)!;
    assert.equal(e.abstract.plain, E_FULL.abstract, "the cut-off copy replaced the full abstract");
    assert.equal(second.papers.length, 8);
  } finally {
    w.cleanup();
  }
});

test("renaming dumps so they sort differently never changes a URL", async () => {
  const w = workspace();
  try {
    writeFileSync(path.join(w.dumps, "a.txt"), compact([A, B, E_CUT]));
    writeFileSync(path.join(w.dumps, "b.txt"), compact([A_OTHER, C, E_FULL, { ...B, title: "Scaling laws for neural language models." }]));
    writeFileSync(path.join(w.dumps, "c.txt"), compact([D, F, G]));
    const first = urls((await w.run()).state.papers);
    const files = readdirSync(w.dumps).sort();
    files.forEach((f, i) => renameSync(path.join(w.dumps, f), path.join(w.dumps, `tmp-${i}`)));
    files.forEach((_, i) => renameSync(path.join(w.dumps, `tmp-${i}`), path.join(w.dumps, `${String.fromCharCode(122 - i)}.txt`)));
    const second = (await w.run()).state;
    assert.deepEqual(
      new Set(second.papers.flatMap((p) => p.sources.map((s) => s.file))),
      new Set(["z.txt", "y.txt", "x.txt"]),
    );
    const after = new Map(second.papers.map((p) => [p.id, p.slug]));
    const before = new Map([...first.values()].map((s) => [s, s]));
    assert.deepEqual(new Set(after.values()), new Set(before.values()));
    // Same papers, same URLs, whatever title variant the new order picks.
    const bySlugBefore = new Map([...first].map(([k, s]) => [s, k.split("|")[1]]));
    for (const p of second.papers) assert.equal(p.abstract.plain.slice(0, 60), bySlugBefore.get(p.slug), p.slug);
  } finally {
    w.cleanup();
  }
});

test("the URLs a fresh catalogue gets do not depend on the order of its dumps", async () => {
  const one = workspace();
  const two = workspace();
  try {
    writeFileSync(path.join(one.dumps, "1.txt"), compact([A, B, C]));
    writeFileSync(path.join(one.dumps, "2.txt"), compact([A_OTHER, D, G, E_FULL]));
    writeFileSync(path.join(two.dumps, "1.txt"), compact([E_FULL, G, D, A_OTHER]));
    writeFileSync(path.join(two.dumps, "2.txt"), compact([C, B, A]));
    const strip = (m: Map<string, string>) => new Map([...m].map(([k, v]) => [k.split("|")[1], v]));
    assert.deepEqual(strip(urls((await one.run()).state.papers)), strip(urls((await two.run()).state.papers)));
  } finally {
    one.cleanup();
    two.cleanup();
  }
});

test("different papers with the same title get two different URLs that stay put", async () => {
  const w = workspace();
  try {
    writeFileSync(path.join(w.dumps, "001.txt"), compact([A, A_OTHER]));
    const first = (await w.run()).state.papers;
    assert.equal(first.length, 2);
    const slugs = first.map((p) => p.slug).sort();
    assert.deepEqual(slugs, ["attention-is-all-you-need", "attention-is-all-you-need-2"]);
    // A third paper of that title arrives in a file that sorts first: the first two keep theirs, it gets a third.
    writeFileSync(path.join(w.dumps, "000.txt"), compact([G]));
    const second = (await w.run()).state.papers;
    assertKept(urls(first), urls(second));
    assert.equal(second.find((p) => p.abstract.plain === G.abstract)!.slug, "attention-is-all-you-need-3");
  } finally {
    w.cleanup();
  }
});

test("titles in other scripts or of punctuation only get safe, non-empty ASCII slugs", async () => {
  const w = workspace();
  try {
    writeFileSync(path.join(w.dumps, "001.txt"), compact([C, D, { title: "../../etc/passwd", abstract: abstract("path traversal") }, { title: "a".repeat(300), abstract: abstract("a long title") }]));
    for (const p of (await w.run()).state.papers) {
      assert.match(p.slug, /^[a-z0-9]+(?:-[a-z0-9]+)*$/);
      assert.ok(p.slug.length <= 80, p.slug);
    }
  } finally {
    w.cleanup();
  }
});

test("curators' overrides survive re-ingests, and an override naming no paper is reported with its line", async () => {
  const w = workspace();
  try {
    writeFileSync(path.join(w.dumps, "001.txt"), compact([A, B]));
    await w.run();
    const overrides = [
      "# curators' corrections",
      "attention-is-all-you-need:",
      '  title: "Attention Is All You Need (corrected): key: value"',
      '  date: "2017-06-12"',
      '  arxiv: "1706.03762"',
      "no-such-paper:",
      '  date: "2020-01-01"',
      "",
    ].join("\n");
    writeFileSync(path.join(w.dir, "overrides.yaml"), overrides);
    for (let round = 0; round < 2; round++) {
      if (round === 1) writeFileSync(path.join(w.dumps, "000.txt"), compact([F, A_OTHER]));
      const r = await w.run();
      const page = readFrontMatter(readFileSync(path.join(w.dir, "papers", "attention-is-all-you-need.md"), "utf8")).data;
      assert.equal(page.title, "Attention Is All You Need (corrected): key: value");
      assert.equal(page.published, "2017-06-12");
      assert.equal(page.arxiv, "1706.03762");
      const warning = r.state.warnings.find((x) => x.message.includes('"no-such-paper" names no paper'));
      assert.ok(warning, "unknown override not reported");
      assert.equal(warning.file, path.join(w.dir, "overrides.yaml"));
      assert.equal(warning.line, 6);
    }
    assert.equal(readFileSync(path.join(w.dir, "overrides.yaml"), "utf8"), overrides, "the ingest rewrote the overrides file");
  } finally {
    w.cleanup();
  }
});

test("a damaged permalinks registry stops the ingest with a message naming the file, instead of reassigning URLs", async () => {
  const w = workspace();
  try {
    writeFileSync(path.join(w.dumps, "001.txt"), compact([A, B]));
    const registry = path.join(w.dir, "permalinks.json");
    for (const bad of ['{"papers": [', '{"papers": [{"slug": "../x", "key": "k", "fingerprint": "f"}]}', '{"papers": [{"slug": "a", "key": "k", "fingerprint": "f"}, {"slug": "a", "key": "j", "fingerprint": "g"}]}']) {
      writeFileSync(registry, bad);
      await assert.rejects(w.run(), (e: Error) => e.message.startsWith(registry));
      assert.equal(readFileSync(registry, "utf8"), bad);
    }
  } finally {
    w.cleanup();
  }
});

test("a full build keeps every URL when a dump is added, with the registry beside the dumps folder", async () => {
  const w = workspace();
  const out = path.join(w.dir, "site");
  try {
    writeFileSync(path.join(w.dumps, "b.txt"), compact([A, B, C, D]));
    await build({ dumps: w.dumps, out, base: "/", strict: false, log: () => {} });
    const read = () => JSON.parse(readFileSync(path.join(out, "catalogue.json"), "utf8")) as { papers: { url: string; title: string; abstract: string }[] };
    const first = new Map(read().papers.map((p) => [p.abstract, p.url]));
    writeFileSync(path.join(w.dumps, "a.txt"), compact([G, A_OTHER, F]));
    await build({ dumps: w.dumps, out, base: "/", strict: false, log: () => {} });
    const second = read().papers;
    assert.equal(second.length, 7);
    for (const [abs, url] of first) assert.equal(second.find((p) => p.abstract === abs)?.url, url);
    const registry = JSON.parse(readFileSync(path.join(w.dir, "permalinks.json"), "utf8")) as { papers: { slug: string }[] };
    assert.equal(registry.papers.length, 7);
  } finally {
    removeBuildCache(w.dumps, out);
    w.cleanup();
  }
});
