// Paper identity: a corrected, re-cut or lengthened abstract keeps its paper's URL; different papers of one title keep
// different URLs whatever the dump order; no two papers share a URL; a URL whose paper left answers with a "gone" page.
import { test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import fc from "fast-check";
import { build, root } from "../scripts/build.ts";
import { ingest } from "../scripts/ingest.ts";
import { merge } from "../scripts/stages/merge.ts";
import { assignSlugs, type RegistryEntry } from "../scripts/stages/permalinks.ts";
import type { Entry } from "../scripts/types.ts";
import { bundledEntries } from "./helpers/bundled.ts";
import { removeBuildCache } from "./helpers/cache.ts";
import { compact, type Item } from "./helpers/dumps.ts";

const TAXONOMY = path.join(root, "content/taxonomy.yaml");


// Real abstracts of the bundled dumps, the longest first: distinct papers' texts of realistic length.
const real = [...new Set(bundledEntries().map((e) => e.abstract))].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
const LONG = real[0];
const OTHER = real[1];
const THIRD = real[2];

/** `s` with the letters at these positions replaced by another letter (a typo corrected). */
function correct(s: string, at: number[]): string {
  const chars = [...s];
  for (const i of at) {
    let j = i;
    while (!/[a-z]/.test(chars[j])) j++;
    chars[j] = chars[j] === "e" ? "a" : "e";
  }
  return chars.join("");
}

function workspace() {
  const dir = mkdtempSync(path.join(os.tmpdir(), "identity-"));
  const dumps = path.join(dir, "dumps");
  mkdirSync(dumps);
  const run = async () => (await ingest({ dumps, papersDir: path.join(dir, "papers"), state: dir, taxonomy: TAXONOMY })).state.papers;
  const write = (file: string, items: Item[]) => writeFileSync(path.join(dumps, file), compact(items));
  const registry = () => (JSON.parse(readFileSync(path.join(dir, "permalinks.json"), "utf8")) as { papers: RegistryEntry[] }).papers;
  return { dir, dumps, run, write, registry, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

const TITLE = "Sparse Mixtures of Experts at Scale";

test("the abstract's source is long enough for these tests", () => {
  assert.ok(LONG.length > 1200 && OTHER.length > 1200 && THIRD.length > 1200, `${LONG.length} ${OTHER.length} ${THIRD.length}`);
});

test("a paper whose abstract is corrected in a few letters, in its opening too, keeps its URL", async () => {
  const w = workspace();
  try {
    w.write("001.txt", [{ title: TITLE, abstract: LONG }]);
    const [first] = await w.run();
    w.write("001.txt", [{ title: TITLE, abstract: correct(LONG, [30, 150, 700]) }]);
    const second = await w.run();
    assert.equal(second.length, 1);
    assert.equal(second[0].slug, first.slug);
    assert.equal(w.registry().length, 1, "the corrected paper was registered as a new URL");
  } finally {
    w.cleanup();
  }
});

test("a paper whose abstract is re-cut shorter and corrected, then lengthened, keeps its URL", async () => {
  const w = workspace();
  try {
    w.write("001.txt", [{ title: TITLE, abstract: LONG }]);
    const [first] = await w.run();
    // The source site cuts abstracts at about 1,900 characters; this copy is cut and has a typo fixed near the start.
    w.write("001.txt", [{ title: TITLE, abstract: correct(LONG.slice(0, 900), [40]) }]);
    assert.deepEqual((await w.run()).map((p) => p.slug), [first.slug]);
    w.write("001.txt", [{ title: TITLE, abstract: `${correct(LONG, [40])} We also release the code and the trained models.` }]);
    assert.deepEqual((await w.run()).map((p) => p.slug), [first.slug]);
    assert.equal(w.registry().length, 1);
  } finally {
    w.cleanup();
  }
});

test("the same paper in two dumps with small differences is one paper with one page", async () => {
  const w = workspace();
  try {
    w.write("001.txt", [{ title: TITLE, abstract: LONG }]);
    w.write("002.txt", [{ title: `${TITLE}.`, abstract: correct(LONG, [20, 400]) }]);
    const papers = await w.run();
    assert.equal(papers.length, 1);
    assert.deepEqual(papers[0].sources.map((s) => s.file), ["001.txt", "002.txt"]);
  } finally {
    w.cleanup();
  }
});

test("two different papers of one title whose abstracts share their first 200 characters get two stable URLs, whatever the dump order", async () => {
  const opening = LONG.slice(0, 260);
  const one: Item = { title: TITLE, abstract: `${opening} ${OTHER}` };
  const two: Item = { title: TITLE, abstract: `${opening} ${THIRD}` };
  const runs: Map<string, string>[] = [];
  for (const order of [[one, two], [two, one]]) {
    const w = workspace();
    try {
      w.write("001.txt", [order[0]]);
      w.write("002.txt", [order[1]]);
      const papers = await w.run();
      assert.equal(papers.length, 2);
      assert.notEqual(papers[0].slug, papers[1].slug);
      assert.notEqual(papers[0].id, papers[1].id);
      runs.push(new Map(papers.map((p) => [p.abstract.plain.slice(262, 330), p.slug])));
    } finally {
      w.cleanup();
    }
  }
  assert.deepEqual(runs[0], runs[1]);
});

test("a paper that arrives later with the same title and the same 300-character opening as a registered one takes a new URL, not the old one", async () => {
  const opening = LONG.slice(0, 400);
  const one: Item = { title: TITLE, abstract: `${opening} ${OTHER}` };
  const two: Item = { title: TITLE, abstract: `${opening} ${THIRD}` };
  const w = workspace();
  try {
    w.write("002.txt", [one]);
    const [first] = await w.run();
    w.write("001.txt", [two]);
    const papers = await w.run();
    assert.equal(papers.length, 2);
    assert.equal(papers.find((p) => p.sources[0].file === "002.txt")?.slug, first.slug);
  } finally {
    w.cleanup();
  }
});

/** Entries of one title: versions of a few papers (cut, corrected, lengthened) and papers that open alike. */
const sameTitleEntries = fc
  .array(
    fc.record({
      base: fc.integer({ min: 0, max: 5 }),
      opening: fc.integer({ min: 0, max: 3 }),
      cut: fc.option(fc.integer({ min: 100, max: 1000 })),
      typo: fc.option(fc.integer({ min: 0, max: 900 })),
      file: fc.constantFrom("a.txt", "b.txt", "c.txt"),
    }),
    { minLength: 1, maxLength: 25 },
  )
  .map((specs) =>
    specs.map((s, i): Entry => {
      // Papers 0–5 share one of four openings of 200–320 characters, then go on differently.
      let abstract = `${real[10 + s.opening].slice(0, 200 + 40 * s.opening)} ${real[20 + s.base]}`;
      if (s.cut !== null) abstract = abstract.slice(0, abstract.length - s.cut);
      if (s.typo !== null) abstract = correct(abstract, [s.typo]);
      return { source: { file: s.file, line: i + 1, title: TITLE }, title: TITLE, abstract, date: null, upvotes: null, authors: null, truncated: false };
    }),
  );

test("property: no two papers share an id or a URL, every entry is in one paper, and the URLs do not depend on entry order", () => {
  fc.assert(
    fc.property(sameTitleEntries, fc.array(fc.nat(), { maxLength: 3 }), (entries, shuffle) => {
      const urls = (list: Entry[]) => {
        const merged = merge(list);
        const { slugs } = assignSlugs(merged.map((m) => ({ id: m.id, key: m.key, fingerprint: m.fingerprint, title: TITLE })), []);
        assert.equal(new Set(merged.map((m) => m.id)).size, merged.length, "two papers share an id");
        assert.equal(new Set(slugs.values()).size, merged.length, "two papers share a URL");
        assert.equal(merged.reduce((n, m) => n + m.entries.length, 0), list.length);
        return new Map(merged.flatMap((m) => m.entries.map((e) => [`${e.source.file}:${e.source.line}`, slugs.get(m.id)!])));
      };
      const reordered = [...entries];
      for (const n of shuffle) reordered.push(...reordered.splice(n % reordered.length, 1));
      assert.deepEqual(urls(reordered), urls(entries));
    }),
    { numRuns: 150 },
  );
});

test("the bundled dumps leave content/permalinks.json byte for byte as committed: all 440 URLs", async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "identity-bundled-"));
  try {
    for (const f of ["permalinks.json", "overrides.yaml", "term-stats.json"]) copyFileSync(path.join(root, "content", f), path.join(dir, f));
    const committed = readFileSync(path.join(dir, "permalinks.json"), "utf8");
    const { state } = await ingest({ dumps: path.join(root, "content/dumps"), papersDir: path.join(dir, "papers"), state: dir, taxonomy: TAXONOMY, cache: null });
    assert.equal(state.papers.length, 440);
    assert.equal(state.gone.length, 0);
    const registered = new Set((JSON.parse(committed) as { papers: RegistryEntry[] }).papers.map((r) => r.slug));
    assert.deepEqual(new Set(state.papers.map((p) => p.slug)), registered);
    assert.equal(readFileSync(path.join(dir, "permalinks.json"), "utf8"), committed);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a removed paper's URL serves a gone page linking to the search, and a merged one's points to its paper; neither is listed or indexed", async () => {
  const w = workspace();
  const out = path.join(w.dir, "site");
  const kept: Item = { title: "Diffusion Models Beat GANs on Image Synthesis", abstract: OTHER };
  const removed: Item = { title: "Scaling Laws for Neural Language Models", abstract: THIRD };
  const original: Item = { title: TITLE, abstract: LONG };
  const corrected: Item = { title: TITLE, abstract: correct(LONG, [25, 90]) };
  try {
    // A registry as a build that published the original and the corrected version as two papers left it.
    const fp = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, "");
    const key = "sparse mixtures of experts at scale";
    const legacy = [
      { slug: "sparse-mixtures-of-experts-at-scale", key, fingerprint: fp(original.abstract).slice(0, 300) },
      { slug: "sparse-mixtures-of-experts-at-scale-2", key, fingerprint: fp(corrected.abstract).slice(0, 300) },
    ];
    writeFileSync(path.join(w.dir, "permalinks.json"), JSON.stringify({ note: "", papers: legacy }));
    // Other papers, so that some keep their pages unchanged (their related lists never held the removed one).
    const others = [...new Map(bundledEntries().map((e) => [e.title, e])).values()].slice(40, 60).map((e) => ({ title: e.title, abstract: e.abstract }));
    w.write("000.txt", others);
    w.write("001.txt", [kept, removed, original]);
    w.write("002.txt", [corrected]);
    const log = () => undefined;
    const settings = { base: "/", url: "https://example.org", strict: false, log };
    assert.ok((await build({ dumps: w.dumps, out, ...settings })).ok);
    const removedSlug = "scaling-laws-for-neural-language-models";
    assert.ok(existsSync(path.join(out, "papers", removedSlug, "index.html")));
    // The dump that held the paper loses it; the rebuild keeps the unchanged pages and adds the gone page among them.
    w.write("001.txt", [kept, original]);
    const rebuilt = await build({ dumps: w.dumps, out, ...settings });
    assert.ok(rebuilt.ok);
    assert.ok(rebuilt.counts.pagesReused > 0, "the rebuild rendered every page again");

    const page = (slug: string) => readFileSync(path.join(out, "papers", slug, "index.html"), "utf8");
    const gone = page(removedSlug);
    assert.match(gone, /<meta name="robots" content="noindex">/);
    assert.match(gone, /href="\.\.\/\.\.\/search\/\?q=scaling%20laws%20for%20neural%20language%20models"/);
    assert.match(gone, /no longer in the catalogue/);
    assert.doesNotMatch(gone, /data-pagefind-body/);

    const merged = page("sparse-mixtures-of-experts-at-scale-2");
    assert.match(merged, /href="\.\.\/\.\.\/papers\/sparse-mixtures-of-experts-at-scale\/">Sparse Mixtures of Experts at Scale<\/a>/);
    assert.match(merged, /noindex/);
    assert.match(page("sparse-mixtures-of-experts-at-scale"), /data-pagefind-body/);

    const cat = JSON.parse(readFileSync(path.join(out, "catalogue.json"), "utf8")) as { papers: { url: string }[] };
    const urls = cat.papers.map((p) => p.url);
    assert.equal(urls.length, 22);
    for (const url of ["/papers/diffusion-models-beat-gans-on-image-synthesis/", "/papers/sparse-mixtures-of-experts-at-scale/"]) assert.ok(urls.includes(url), url);
    for (const slug of [removedSlug, "sparse-mixtures-of-experts-at-scale-2"]) assert.ok(!urls.includes(`/papers/${slug}/`), slug);
    assert.equal(new Set(cat.papers.map((p) => p.url)).size, cat.papers.length);
    for (const feed of ["feed.xml", "feed.json", "catalogue.bib", "sitemaps/1.xml"]) assert.doesNotMatch(readFileSync(path.join(out, feed), "utf8"), /papers\/scaling-laws-for|experts-at-scale-2/);
    const fragments = readFileSync(path.join(out, "pagefind", "pagefind-entry.json"), "utf8");
    assert.match(fragments, /"page_count":22\b/);
  } finally {
    removeBuildCache(w.dumps, out);
    w.cleanup();
  }
});

test("a build that extends the last one's catalogue with a new dump keeps the URLs no paper holds", async () => {
  const w = workspace();
  const cache = path.join(w.dir, "cache");
  const run = async () => (await ingest({ dumps: w.dumps, papersDir: path.join(w.dir, "papers"), state: w.dir, taxonomy: TAXONOMY, cache })).state;
  try {
    w.write("001.txt", [{ title: TITLE, abstract: LONG }, { title: "Scaling Laws for Neural Language Models", abstract: OTHER }]);
    await run();
    w.write("001.txt", [{ title: TITLE, abstract: LONG }]);
    const removed = await run();
    assert.deepEqual(removed.gone, [{ slug: "scaling-laws-for-neural-language-models", key: "scaling laws for neural language models", mergedInto: null }]);
    w.write("002.txt", [{ title: "Diffusion Models Beat GANs on Image Synthesis", abstract: THIRD }]);
    const extended = await run();
    assert.equal(extended.carried, 1, "the build did not extend the last one's catalogue");
    assert.deepEqual(extended.gone, removed.gone);
    assert.equal(extended.papers.length, 2);
  } finally {
    w.cleanup();
  }
});
