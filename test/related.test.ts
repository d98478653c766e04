import { test } from "node:test";
import assert from "node:assert/strict";
import { stemmer } from "stemmer";
import { relate, relateInParallel } from "../scripts/stages/related.ts";
import type { NeighbourState } from "../scripts/stages/related/carry-over.ts";
import { buildCorpus, tokenize, type TermStats } from "../scripts/stages/related/tfidf.ts";
import { loadSeedPapers } from "./eval/seed-papers.ts";

const seeds = loadSeedPapers();
const corpusWords = new Set(seeds.flatMap((p) => (p.title.plain + " " + p.abstract.plain).toLowerCase().match(/[\p{L}\p{N}]+/gu)!));
let stats = { cappedTerms: -1, budgetHits: -1 };
const fast = relate(seeds, { onStats: (s) => (stats = s) });
const byId = new Map(fast.map((p) => [p.id, p]));
const byTitle = (t: string) => fast.find((p) => p.title.plain === t)!;

test("every seed paper gets 5 related papers with 2–4 readable terms, and 3–5 keywords", () => {
  for (const p of fast) {
    assert.equal(p.related.length, 5, p.title.plain);
    assert.ok(p.keywords.length >= 3 && p.keywords.length <= 6, p.title.plain);
    const ids = new Set(p.related.map((r) => r.id));
    assert.equal(ids.size, 5);
    assert.ok(!ids.has(p.id));
    for (const r of p.related) {
      assert.ok(byId.has(r.id));
      assert.ok(r.score > 0 && r.score <= 1);
      assert.ok(r.terms.length >= 2 && r.terms.length <= 4, `${p.title.plain}: ${r.terms}`);
      // Terms are readable words seen in the corpus (surface forms), whose stems occur in the paper.
      const words = new Set(p.title.plain.concat(" ", p.abstract.plain).toLowerCase().match(/[\p{L}\p{N}]+/gu)!.map(stemmer));
      for (const term of r.terms) {
        for (const w of term.split(/[ -]/)) {
          assert.ok(corpusWords.has(w), `"${w}" is not a word of the dumps`);
          assert.ok(words.has(stemmer(w)), `"${w}" not in ${p.title.plain}`);
        }
      }
    }
    for (let i = 1; i < p.related.length; i++) assert.ok(p.related[i - 1].score >= p.related[i].score);
  }
});

test("Sharpness-Aware Training for Free is related to sharpness / SAM papers", () => {
  const p = byTitle("Sharpness-Aware Training for Free");
  for (const r of p.related) {
    const q = byId.get(r.id)!;
    assert.match(q.title.plain + " " + q.abstract.plain, /sharpness|\bSAM\b/, q.title.plain);
  }
});

test("the two Trained Rank Pruning papers are related to each other, not merged", () => {
  const a = byTitle("Trained Rank Pruning for Efficient Deep Neural Networks");
  const b = byTitle("TRP: Trained Rank Pruning for Efficient Deep Neural Networks");
  assert.notEqual(a.id, b.id);
  assert.equal(a.related[0].id, b.id);
  assert.equal(b.related[0].id, a.id);
});

test("the fast path equals the exact all-pairs computation on the seeds, without pruning", () => {
  assert.deepEqual(stats, { cappedTerms: 0, budgetHits: 0 });
  assert.deepEqual(relate(seeds, { exact: true }), fast);
});

test("deterministic: input order does not change the result", () => {
  const reversed = relate(seeds.slice().reverse()).reverse();
  assert.deepEqual(reversed, fast);
});

test("the corpus is the same however its documents were split into tokenised chunks, each in any order", () => {
  const docs = seeds.map((p) => ({ title: p.title.plain, abstract: p.abstract.plain }));
  const whole = buildCorpus([tokenize(docs)]);
  // Uneven chunks, handed over last first: document d is at.index[d] of chunk at.chunk[d].
  const cuts = [0, 7, 8, 150, docs.length];
  const chunks = cuts.slice(1).map((to, i) => tokenize(docs.slice(cuts[i], to))).reverse();
  const at = { chunk: new Int32Array(docs.length), index: new Int32Array(docs.length) };
  cuts.slice(1).forEach((to, i) => {
    for (let d = cuts[i]; d < to; d++) {
      at.chunk[d] = chunks.length - 1 - i;
      at.index[d] = d - cuts[i];
    }
  });
  const split = buildCorpus(chunks, false, at);
  assert.deepEqual(split.vocabulary, whole.vocabulary);
  assert.deepEqual(split.corpus, whole.corpus);
  for (let d = 0; d < whole.corpus.n; d++) {
    const terms = whole.corpus.terms.subarray(whole.corpus.start[d], whole.corpus.start[d + 1]);
    assert.ok(terms.every((t, i) => i === 0 || terms[i - 1] < t), `document ${d}: terms ascending`);
  }
});

test("with pruning forced on (tiny caps), the index still finds the obvious neighbours", () => {
  let forced = { cappedTerms: 0, budgetHits: 0 };
  const pruned = relate(seeds, { limits: { exactUpTo: 0, postingCap: 20, queryBudget: 200, rerank: 10 }, onStats: (s) => (forced = s) });
  assert.ok(forced.cappedTerms > 0 && forced.budgetHits > 0);
  const a = pruned.find((p) => p.title.plain === "Trained Rank Pruning for Efficient Deep Neural Networks")!;
  const b = pruned.find((p) => p.title.plain === "TRP: Trained Rank Pruning for Efficient Deep Neural Networks")!;
  assert.equal(a.related[0].id, b.id);
  // Scores that are reported are exact cosines, whichever candidates were found.
  const exact = new Map(fast.map((p) => [p.id, p]));
  for (const p of pruned) for (const r of p.related) {
    const e = relateScore(exact.get(p.id)!, r.id);
    if (e !== undefined) assert.equal(r.score, e);
  }
});

function relateScore(p: { related: { id: string; score: number }[] }, id: string): number | undefined {
  return p.related.find((r) => r.id === id)?.score;
}

/** Seeds with cache keys naming their texts (as the ingest gives them), a tokens memo and a slot kept in memory. */
const keyed = seeds.map((p) => ({ ...p, textKeys: { title: `${p.id}:t`, abstract: `${p.id}:a` } }));
function memory<V>() {
  let kept: V | undefined;
  const entries = new Map<string, unknown>();
  return {
    slot: { get: () => kept, set: (v: V) => void (kept = v) },
    memo: { get: (k: string) => entries.get(k) as never, set: (k: string, v: unknown) => void entries.set(k, v), entries: () => entries.entries() as never },
  };
}

for (const [name, limits] of [
  ["without pruning", undefined],
  ["with pruning forced on", { exactUpTo: 0, postingCap: 20, queryBudget: 200, rerank: 10 }],
] as const) {
  test(`papers added under frozen term statistics: lists carried over equal a search of every paper, ${name}`, async () => {
    const mem = memory<NeighbourState>();
    const before = keyed.filter((_, i) => i % 50 !== 3);
    let terms: TermStats | undefined;
    await relateInParallel(before, { known: mem.memo, last: mem.slot, limits, onTerms: (t) => (terms = t) });
    assert.equal(terms!.papers, before.length);

    let searched = -1;
    let described = -1;
    const carried = await relateInParallel(keyed, { known: mem.memo, last: mem.slot, limits, terms, onSearched: (s) => (searched = s), onDescribed: (d) => (described = d) });
    const full = await relateInParallel(keyed, { known: mem.memo, limits, terms, onSearched: (s) => assert.equal(s, keyed.length) });
    assert.deepEqual(carried, full);
    assert.ok(searched >= keyed.length - before.length && searched < keyed.length / 2, `${searched} of ${keyed.length} searched again`);
    // Key and shared terms are picked again only where they can change: the other papers keep the last build's.
    assert.ok(described >= searched && described < keyed.length, `${described} of ${keyed.length} described again`);
    // Papers the added ones did not enter keep their lists: the statistics, not the catalogue, set every weight.
    const old = new Map((await relateInParallel(before, { known: mem.memo, limits, terms })).map((p) => [p.id, p.related]));
    const unchanged = full.filter((p) => old.has(p.id) && JSON.stringify(old.get(p.id)) === JSON.stringify(p.related)).length;
    assert.ok(unchanged >= before.length - searched, `${unchanged} unchanged`);

    // On threads, with the carried-over lists of the same build, nothing is searched again.
    const threaded = await relateInParallel(keyed, { known: mem.memo, last: mem.slot, limits, terms, parallelFrom: 1, onSearched: (s) => (searched = s), onDescribed: (d) => (described = d) });
    assert.deepEqual(threaded, full);
    assert.equal(searched, 0);
    assert.equal(described, 0);
  });
}

test("a paper gone or changed since the last build makes every paper be searched again, with the same result", async () => {
  const mem = memory<NeighbourState>();
  let terms: TermStats | undefined;
  await relateInParallel(keyed, { known: mem.memo, last: mem.slot, onTerms: (t) => (terms = t) });
  const changed = keyed.map((p, i) => (i === 7 ? { ...p, textKeys: { title: p.textKeys.title, abstract: "another:a" }, abstract: keyed[8].abstract } : p));
  let searched = -1;
  const result = await relateInParallel(changed, { known: mem.memo, last: mem.slot, terms, onSearched: (s) => (searched = s) });
  assert.equal(searched, keyed.length);
  assert.deepEqual(result, await relateInParallel(changed, { known: mem.memo, terms }));
});

test("frozen term statistics are counted afresh once the catalogue grows by more than a quarter", () => {
  let counted: TermStats | undefined;
  relate(keyed.slice(0, 200), { onTerms: (t) => (counted = t) });
  let used: TermStats | undefined;
  relate(keyed.slice(0, 250), { terms: counted, onTerms: (t) => (used = t) });
  assert.equal(used, counted);
  relate(keyed.slice(0, 251), { terms: counted, onTerms: (t) => (used = t) });
  assert.equal(used!.papers, 251);
});
