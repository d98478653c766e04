// The ingest cache never changes what is built: cached, uncached and incremental ingests write byte-identical pages,
// and a damaged, stale or foreign cache file is ignored and rebuilt, never trusted. Per-paper work spread over worker
// threads gives the same results as on one thread.
import { test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import os from "node:os";
import path from "node:path";
import v8 from "node:v8";
import { root } from "../scripts/build.ts";
import { ingest, type IngestOptions } from "../scripts/ingest.ts";
import { parallelMap } from "../scripts/parallel.ts";
import { relate, relateInParallel } from "../scripts/stages/related.ts";
import type { CleanText, Paper } from "../scripts/types.ts";
import { pageOutputs } from "../scripts/stages/write.ts";
import { formatReport } from "../scripts/report.ts";
import { pageDump, synthPapers } from "../scripts/bench/synth.ts";
import { bundledEntries } from "./helpers/bundled.ts";
import { loadSeedPapers } from "./eval/seed-papers.ts";

const DUMPS = path.join(root, "content/dumps");
const TAXONOMY = path.join(root, "content/taxonomy.yaml");

/** Name → text of every page in `dir`. */
function pagesIn(dir: string): Map<string, string> {
  return new Map(readdirSync(dir).sort().map((f) => [f, readFileSync(path.join(dir, f), "utf8")]));
}

/** Every file under `dir` (relative path), for finding cache segments. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

/** A temporary folder with a dumps folder holding `files` of the bundled dumps; ingests into `papers-<name>`. */
function workspace(files = readdirSync(DUMPS)) {
  const dir = mkdtempSync(path.join(os.tmpdir(), "ingest-cache-"));
  const dumps = path.join(dir, "dumps");
  mkdirSync(dumps);
  for (const f of files) cpSync(path.join(DUMPS, f), path.join(dumps, f));
  const cache = path.join(dir, "cache");
  const run = (name: string, opts: Partial<IngestOptions> = {}) => {
    const state = path.join(dir, `state-${name}`);
    mkdirSync(state, { recursive: true });
    return ingest({ dumps, papersDir: path.join(dir, `papers-${name}`), state, taxonomy: TAXONOMY, cache, ...opts });
  };
  return { dir, dumps, cache, run, pages: (name: string) => pagesIn(path.join(dir, `papers-${name}`)), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

test("an ingest from the cache writes the same pages as one without it, and reuses every result", async () => {
  const w = workspace();
  try {
    const plain = await w.run("plain", { cache: null });
    const cold = await w.run("cold");
    assert.ok(filesUnder(w.cache).some((f) => f.endsWith(".seg")), "nothing was cached");
    const warm = await w.run("warm");
    assert.ok(plain.state.papers.length > 400);
    assert.deepEqual(w.pages("cold"), w.pages("plain"));
    assert.deepEqual(w.pages("warm"), w.pages("plain"));
    assert.deepEqual(warm.pageHashes, plain.pageHashes);
    assert.deepEqual(cold.state.papers, plain.state.papers);
    assert.deepEqual(warm.state.papers, plain.state.papers);
    // Nothing new to learn: the warm run added no segment.
    const segments = filesUnder(w.cache).filter((f) => f.endsWith(".seg"));
    await w.run("warm");
    assert.deepEqual(filesUnder(w.cache).filter((f) => f.endsWith(".seg")), segments);
  } finally {
    w.cleanup();
  }
});

test("after adding a dump, the incremental ingest equals a clean one of the same input, and keeps unchanged pages' files", async () => {
  const files = readdirSync(DUMPS).sort();
  const w = workspace(files.slice(0, 4));
  try {
    await w.run("incremental");
    const before = new Map(readdirSync(path.join(w.dir, "papers-incremental")).map((f) => [f, statSync(path.join(w.dir, "papers-incremental", f)).mtimeMs]));
    cpSync(path.join(DUMPS, files[4]), path.join(w.dumps, files[4]));
    // A clean ingest of the same input: same registry of published URLs, no cache.
    cpSync(path.join(w.dir, "state-incremental"), path.join(w.dir, "state-clean"), { recursive: true });
    const clean = await w.run("clean", { cache: null });
    const incremental = await w.run("incremental");
    assert.deepEqual(w.pages("incremental"), w.pages("clean"));
    assert.deepEqual(incremental.pageHashes, clean.pageHashes);
    assert.ok(incremental.written.unchanged > 0);
    const after = pagesIn(path.join(w.dir, "papers-incremental"));
    const kept = [...before].filter(([f, t]) => statSync(path.join(w.dir, "papers-incremental", f)).mtimeMs === t).length;
    assert.equal(kept, incremental.written.unchanged, "an unchanged page was rewritten");
    assert.equal(after.size, clean.state.papers.length);
  } finally {
    w.cleanup();
  }
});

/** A dump of `n` synthetic papers (bundled titles and sentences recombined), in the page layout, with CRLF line ends. */
function newPapersDump(n: number, seed: number): string {
  return pageDump(synthPapers(bundledEntries(), n, seed)).replace(/\n/g, "\r\n");
}

test("new dumps sorting after the others are read alone, the others' papers taken from the last build, their text and topics worked out ahead: the same as a clean ingest", async () => {
  const files = readdirSync(DUMPS).sort();
  const w = workspace(files.slice(0, 4));
  const snapshotFile = () => filesUnder(w.cache).find((f) => /^catalogue-[0-9a-f]{16}$/.test(path.basename(f)))!;
  try {
    // An old dump with a reading warning (CRLF), so that warnings of old and new dumps must keep their order.
    writeFileSync(path.join(w.dumps, files[0]), readFileSync(path.join(DUMPS, files[0]), "utf8").replace(/\n/g, "\r\n"));
    const first = await w.run("incremental");
    assert.equal(first.state.carried, 0);
    const snapshot = statSync(path.join(w.cache, snapshotFile())).mtimeMs;
    const keptSignatures: number[] = [];
    // Three dumps of 40 papers, one build each: the first two are kept as additions to the snapshot; the third takes
    // them past a quarter of its papers, and the snapshot is written again with them.
    for (let k = 0; k < 3; k++) {
      writeFileSync(path.join(w.dumps, `zz-new-${k}.txt`), newPapersDump(40, 7 + k));
      rmSync(path.join(w.dir, "state-clean"), { recursive: true, force: true });
      rmSync(path.join(w.dir, "papers-clean"), { recursive: true, force: true });
      cpSync(path.join(w.dir, "state-incremental"), path.join(w.dir, "state-clean"), { recursive: true });
      const clean = await w.run("clean", { cache: null });
      // As a large catalogue's ingest runs: worker threads from the start, the new dump's text and topics worked out ahead.
      const incremental = await w.run("incremental", { warmUpFrom: 0 });
      assert.deepEqual(incremental.workedAhead, { text: 80, topics: 40 }, "the new papers' text and topics were not worked out ahead");
      assert.equal(incremental.state.carried, 4 + k, "the old dumps were read again");
      assert.equal(incremental.state.papers.length, first.state.papers.length + 40 * (k + 1));
      assert.deepEqual(w.pages("incremental"), w.pages("clean"));
      assert.deepEqual(incremental.pageHashes, clean.pageHashes);
      for (const field of ["papers", "perDump", "warnings", "rejected", "registry"] as const) assert.deepEqual(incremental.state[field], clean.state[field], `${field} after dump ${k}`);
      assert.ok(incremental.state.warnings.length >= 2);
      // The same report, but for the lines on what was taken from the last build.
      const lines = (s: typeof clean.state) => formatReport(s, incremental.written).split("\n").filter((l) => !/^(Unchanged since|Related papers)/.test(l));
      assert.deepEqual(lines(incremental.state), lines(clean.state));
      assert.equal(statSync(path.join(w.cache, snapshotFile())).mtimeMs === snapshot, k < 2, `snapshot rewritten after dump ${k}`);
      assert.ok(incremental.fingerprintsReused > 0, "no fingerprint was reused");
      // Papers whose lists are the last build's have its signatures (and the pages, above, are still a clean ingest's).
      // The third dump takes the catalogue past the size its term statistics were counted at: they are counted afresh,
      // and every list is worked out again.
      if (incremental.state.lists?.from) keptSignatures.push(incremental.signaturesKept);
    }
    assert.ok(keptSignatures.length > 0 && keptSignatures.every((n) => n > 0), `signatures kept: ${keptSignatures}`);
    // Another title for an old paper, which its page and the pages listing it as related show: no fingerprint is reused.
    const renamed = first.state.papers.find((p) => p.related.length)!.slug;
    for (const name of ["incremental", "clean"]) writeFileSync(path.join(w.dir, `state-${name}`, "overrides.yaml"), `${renamed}:\n  title: "A Title Curators Chose"\n`);
    writeFileSync(path.join(w.dumps, "zz-new-3.txt"), newPapersDump(10, 11));
    rmSync(path.join(w.dir, "papers-clean"), { recursive: true, force: true });
    const clean = await w.run("clean", { cache: null });
    const overridden = await w.run("incremental");
    assert.equal(overridden.state.carried, 7);
    assert.equal(overridden.fingerprintsReused, 0);
    assert.deepEqual(w.pages("incremental"), w.pages("clean"));
    assert.ok([...w.pages("clean").values()].filter((t) => t.includes("A Title Curators Chose")).length >= 2);
    // Nothing new: nothing read but the dump names and hashes.
    const again = await w.run("incremental");
    assert.equal(again.state.carried, 8);
    assert.equal(again.written.written, 0);
    // Every fingerprint but the renamed paper's: a title no dump holds has no cache key, and such a page is always made afresh.
    assert.equal(again.fingerprintsReused, again.state.papers.length - 1);
  } finally {
    w.cleanup();
  }
});

test("a new dump that repeats an old paper, sorts before the others, or comes with another registry makes every dump be read again", async () => {
  const files = readdirSync(DUMPS).sort();
  const w = workspace(files.slice(0, 4));
  try {
    await w.run("incremental");
    const cases: [string, () => void][] = [
      ["repeats an old paper", () => cpSync(path.join(DUMPS, files[1]), path.join(w.dumps, "zz-repeat.txt"))],
      ["sorts first", () => writeFileSync(path.join(w.dumps, "000-first.txt"), newPapersDump(10, 8))],
      ["another registry", () => {
        writeFileSync(path.join(w.dumps, "zzz-more.txt"), newPapersDump(10, 9));
        const registry = path.join(w.dir, "state-incremental", "permalinks.json");
        const data = JSON.parse(readFileSync(registry, "utf8"));
        data.papers.push({ slug: "an-older-paper", key: "an older paper", fingerprint: "abc" });
        writeFileSync(registry, JSON.stringify(data, null, 1) + "\n");
      }],
    ];
    for (const [name, change] of cases) {
      change();
      rmSync(path.join(w.dir, "state-clean"), { recursive: true, force: true });
      cpSync(path.join(w.dir, "state-incremental"), path.join(w.dir, "state-clean"), { recursive: true });
      rmSync(path.join(w.dir, "papers-clean"), { recursive: true, force: true });
      const clean = await w.run("clean", { cache: null });
      const incremental = await w.run("incremental");
      assert.equal(incremental.state.carried, 0, name);
      assert.deepEqual(w.pages("incremental"), w.pages("clean"), name);
      assert.deepEqual(incremental.state.registry, clean.state.registry, name);
    }
  } finally {
    w.cleanup();
  }
});

test("damaged cache files are ignored, deleted and rebuilt, with the same pages", async () => {
  const w = workspace();
  try {
    await w.run("first");
    const expected = w.pages("first");
    assert.ok(filesUnder(w.cache).filter((f) => f.endsWith(".seg")).length >= 2);
    const damages: ((bytes: Buffer) => Buffer)[] = [
      (b) => b.subarray(0, b.length >> 1), // cut short
      (b) => Buffer.from(b.map((x, i) => (i === b.length - 10 ? x ^ 1 : x))), // one bit flipped (a string in the payload)
      () => Buffer.from("not a cache file"),
      () => Buffer.alloc(0),
    ];
    for (const [i, damage] of damages.entries()) {
      const segments = filesUnder(w.cache).filter((f) => f.endsWith(".seg"));
      for (const s of segments) writeFileSync(path.join(w.cache, s), damage(readFileSync(path.join(w.cache, s))));
      writeFileSync(path.join(w.cache, "pages.bin"), damage(readFileSync(path.join(w.cache, "pages.bin"))));
      await w.run(`damaged-${i}`);
      assert.deepEqual(w.pages(`damaged-${i}`), expected, `damage ${i}`);
      for (const s of segments) assert.ok(!existsSync(path.join(w.cache, s)), `damaged ${s} was kept`);
    }
    // The rebuilt cache is whole again.
    await w.run("again");
    assert.deepEqual(w.pages("again"), expected);
  } finally {
    w.cleanup();
  }
});

test("results of other code or another taxonomy are never read", async () => {
  const w = workspace();
  try {
    await w.run("first");
    const expected = w.pages("first");
    // A table written by other code: same layout and checksums, another version in its name, wrong results inside.
    const text = filesUnder(w.cache).find((f) => f.startsWith("text-") && f.endsWith(".seg"))!;
    const results = v8.deserialize(readFileSync(path.join(w.cache, text)).subarray(32)) as Map<string, CleanText>;
    assert.ok(results.size > 800);
    const wrong = v8.serialize(new Map([...results].map(([k, v]) => [k, { ...v, markdown: "WRONG", plain: "WRONG" }])));
    const stale = path.join(w.cache, "text-0123456789abcdef");
    mkdirSync(stale);
    writeFileSync(path.join(stale, path.basename(text)), Buffer.concat([createHash("sha256").update(wrong).digest(), wrong]));
    rmSync(path.dirname(path.join(w.cache, text)), { recursive: true });
    await w.run("second");
    assert.deepEqual(w.pages("second"), expected);
    assert.ok(!existsSync(stale), "the stale table was kept");
    // Another taxonomy: topics are computed again (their table is another one), text is reused.
    const taxonomy = path.join(w.dir, "taxonomy.yaml");
    writeFileSync(taxonomy, readFileSync(TAXONOMY, "utf8").replace("minScore: 4", "minScore: 400"));
    assert.notEqual(readFileSync(taxonomy, "utf8"), readFileSync(TAXONOMY, "utf8"));
    const other = await w.run("other-taxonomy", { taxonomy });
    const fresh = await w.run("other-taxonomy-clean", { taxonomy, cache: null });
    assert.deepEqual(other.state.papers.map((p) => p.topics), fresh.state.papers.map((p) => p.topics));
    assert.ok(other.state.papers.every((p) => p.topics.join() === "unsorted"));
  } finally {
    w.cleanup();
  }
});

test("a page changed or deleted by hand is written again, though the cache says it was written", async () => {
  const w = workspace();
  try {
    await w.run("p");
    const expected = w.pages("p");
    const [a, b, c] = [...expected.keys()];
    const dir = path.join(w.dir, "papers-p");
    writeFileSync(path.join(dir, a), expected.get(a)!.replace("---", "---\n"));
    writeFileSync(path.join(dir, b), "x".repeat(Buffer.byteLength(expected.get(b)!))); // same size
    rmSync(path.join(dir, c));
    const r = await w.run("p");
    assert.equal(r.written.written, 3);
    assert.deepEqual(w.pages("p"), expected);
  } finally {
    w.cleanup();
  }
});

test("per-paper tasks give the same results on worker threads as on this thread", async () => {
  const seeds = loadSeedPapers();
  const raw = bundledEntries().flatMap((e) => [e.title, e.abstract]);
  assert.deepEqual(await parallelMap("text", raw, undefined, 1), await parallelMap("text", raw, undefined, Infinity));
  assert.deepEqual(await relateInParallel(seeds, { parallelFrom: 1 }), relate(seeds));
});

test("a page's fingerprint changes whenever its text does", async () => {
  const w = workspace();
  try {
    const { papers } = (await w.run("fp")).state;
    const at = papers.findIndex((p) => p.related.length === 5 && p.sources.length > 1 && p.links.length > 0);
    assert.ok(at >= 0);
    const page = (list: Paper[]) => [...pageOutputs(list)].find((o) => o.file === `${list[at].slug}.md`)!;
    const original = page(papers);
    /** Copies of `v` with one leaf changed (strings, numbers, nulls, booleans), and with a list grown. */
    const variants = (v: unknown): unknown[] => {
      if (typeof v === "string") return [v + "x"];
      if (typeof v === "number") return [v + 1];
      if (v === null || v === undefined) return [7, "x"];
      if (Array.isArray(v)) return [[...v, v[0] ?? "x"], ...v.flatMap((x, i) => variants(x).map((y) => v.map((z, j) => (i === j ? y : z))))];
      if (typeof v === "object") return Object.entries(v as object).flatMap(([k, x]) => variants(x).map((y) => ({ ...(v as object), [k]: y })));
      return [!v];
    };
    const changes: [string, Paper[]][] = [];
    for (const [field, value] of Object.entries({ authorNames: undefined, arxiv: undefined, ...papers[at] })) {
      // Title and abstract are functions of their keys: they change with them (below), never alone.
      if (["title", "abstract"].includes(field)) continue;
      for (const v of variants(value)) changes.push([field, papers.map((p, i) => (i === at ? { ...p, [field]: v } : p))]);
    }
    const other = papers.findIndex((p) => p.id === papers[at].related[0].id);
    const retitled = { ...papers[other], title: { ...papers[other].title, plain: "Another title" } };
    changes.push(["related paper's title", papers.map((p, i) => (i === other ? { ...retitled, textKeys: { title: "another key", abstract: p.textKeys!.abstract } } : p))]);
    changes.push(["related paper's title, overridden", papers.map((p, i) => (i === other ? { ...retitled, textKeys: { title: null, abstract: p.textKeys!.abstract } } : p))]);
    changes.push(["related paper's slug", papers.map((p, i) => (i === other ? { ...p, slug: "another-slug" } : p))]);
    let seen = 0;
    for (const [what, list] of changes) {
      const changed = page(list);
      if (changed.text() === original.text()) continue;
      seen++;
      if (changed.fingerprint !== null) assert.notEqual(changed.fingerprint, original.fingerprint, `${what}: the page changed, its fingerprint did not`);
    }
    assert.ok(seen > 40, `only ${seen} changes reached the page`);
  } finally {
    w.cleanup();
  }
});

test("temporary files a stopped build left in the cache are removed, those of a running one kept", async () => {
  const w = workspace();
  try {
    await w.run("first");
    // A process that has exited: its pid names nothing that runs (pids are not reused this quickly).
    const gone = spawnSync(process.execPath, ["-e", "0"]).pid!;
    const table = path.join(w.cache, readdirSync(w.cache).find((n) => n.startsWith("tokens-"))!);
    const stopped = [path.join(w.cache, `catalogue-json-0123456789abcdef.tmp-${gone}`), path.join(table, `000.seg.tmp-${gone}`)];
    const mine = path.join(w.cache, `catalogue-json-0123456789abcdef.tmp-${process.pid}`);
    for (const f of [...stopped, mine]) writeFileSync(f, "half written");
    await w.run("second");
    for (const f of stopped) assert.ok(!existsSync(f), `${path.basename(f)} was kept`);
    assert.ok(existsSync(mine), "a running process's temporary file was removed");
  } finally {
    w.cleanup();
  }
});
