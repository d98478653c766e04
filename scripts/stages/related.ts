// Related stage: keywords per paper and its 5 most related papers with the terms they share.
//
// Model (./related/tfidf.ts): TF-IDF over the plain title and abstract — Unicode words, English stop
// words (`stopword`) removed, Porter stems (`stemmer`), unigrams plus adjacent-word bigrams, title
// words counted twice, log tf, idf = ln(N/df), cosine similarity. Neighbours come from an inverted
// index (./related/neighbours.ts) that is exact on small corpora and linear-time on large ones; key
// terms and shared terms are picked in ./related/range.ts.
// Pure and deterministic: input order does not matter, ties are broken by paper id, and the result is
// the same on one thread or several (each document's lists depend only on the corpus).
//
// Term statistics (N, df, display forms, posting thresholds) can be frozen: counted once, kept beside the dumps and
// reused while the catalogue stays within REFRESH_BELOW … REFRESH_ABOVE times the size they were counted at. Papers
// then keep their weights when others are added, so a new paper changes only the lists it enters.
import { hash } from "node:crypto";
import type { Paper, Related } from "../types.ts";
import { parallelMap } from "../parallel.ts";
import { compact } from "./compact.ts";
import { EXACT_UP_TO, exactNeighbours, POSTING_CAP, queryNeighbours, type EntryBars, type NeighbourLists, type NeighbourOptions, type NeighbourStats } from "./related/neighbours.ts";
import { carryOver, listsDigest, stateKey, type CarriedOver, type NeighbourState } from "./related/carry-over.ts";
import { buildCorpus, corpusStats, MODEL_VERSION, tokenize, type Corpus, type DocText, type TermStats, type TokenChunk, type Vocabulary } from "./related/tfidf.ts";
import type { Memo, Slot } from "../ingest-cache.ts";
import { describe, describeDocs, KEYWORD_MAX, RELATED_COUNT, rangeInput, relateRange, TERMS_MAX, TERMS_MIN, type RangeInput, type RangeOutput } from "./related/range.ts";

export { RELATED_COUNT, KEYWORD_MIN, KEYWORD_MAX, TERMS_MIN, TERMS_MAX } from "./related/range.ts";

/** From this many papers, the per-document work is spread over worker threads. */
export const PARALLEL_FROM = 8000;
/**
 * Ranges of documents handed to threads: enough to balance the threads' load. Fewer to tokenise, as each range's
 * vocabulary is merged into the corpus's on this thread.
 */
const RANGES = 32;
const TOKEN_RANGES = 8;

/** Frozen term statistics are counted afresh once the catalogue has grown past this many times their size … */
export const REFRESH_ABOVE = 1.25;
/** … or shrunk below this many times. */
export const REFRESH_BELOW = 0.8;

export interface RelateOptions {
  /** Frozen term statistics to weigh terms by, when still in force for this catalogue (see usableStats). */
  terms?: TermStats | null;
  /** Receives the statistics the result was computed with: `terms`, or those counted afresh. */
  onTerms?: (stats: TermStats) => void;
  /** Use the all-pairs reference computation instead of the index (for tests). */
  exact?: boolean;
  /** Override the fast path's limits (tests: force pruning on a small corpus). */
  limits?: Pick<NeighbourOptions, "exactUpTo" | "postingCap" | "queryBudget" | "rerank">;
  /** Receives the fast path's pruning counters (both 0 means the result is exact). */
  onStats?: (stats: NeighbourStats) => void;
}

/** Papers in id order (the result must not depend on the input order) and their title and abstract. */
function documents(papers: Paper[]): { order: number[]; docs: DocText[] } {
  const order = papers.map((_, i) => i).sort((x, y) => (papers[x].id < papers[y].id ? -1 : papers[x].id > papers[y].id ? 1 : x - y));
  return { order, docs: order.map((i) => ({ title: papers[i].title.plain, abstract: papers[i].abstract.plain })) };
}

/** Related papers and keywords, on this thread. */
export function relate(papers: Paper[], options: RelateOptions = {}): Paper[] {
  const { order, docs } = documents(papers);
  const opts = neighbourOptions(options);
  const cap = capFor(docs.length, opts);
  const frozen = usableStats(options.terms, docs.length, cap);
  const { corpus, vocabulary } = buildCorpus([tokenize(docs)], false, undefined, frozen);
  if (options.exact) {
    const out = describe(corpus, 0, corpus.n, exactNeighbours(corpus, opts));
    options.onTerms?.(corpusStats(corpus, vocabulary, cap, frozen));
    return assemble(papers, order, vocabulary, [out]);
  }
  const input = rangeInput(corpus, opts);
  const out = relateRange(input, 0, corpus.n);
  options.onStats?.({ cappedTerms: input.index.cappedTerms, budgetHits: out.budgetHits });
  options.onTerms?.(corpusStats(corpus, vocabulary, cap, frozen));
  return assemble(papers, order, vocabulary, [out]);
}

/** The posting cap a catalogue of n papers is scored with, or null when it is scored without pruning. */
function capFor(n: number, opts: NeighbourOptions): number | null {
  return n > (opts.exactUpTo ?? EXACT_UP_TO) ? (opts.postingCap ?? POSTING_CAP) : null;
}

/** `stats` when they are still in force for a catalogue of n papers scored with `cap`, else null (count afresh). */
export function usableStats(stats: TermStats | null | undefined, n: number, cap: number | null): TermStats | null {
  if (!stats || stats.version !== MODEL_VERSION || stats.cap !== cap) return null;
  return n <= stats.papers * REFRESH_ABOVE && n >= stats.papers * REFRESH_BELOW ? stats : null;
}

/** A tokenised run of documents kept between builds, with the cache keys of its documents (see corpusOf). */
export interface KnownTokens {
  docKeys: string[];
  tokens: TokenChunk;
}

export interface ParallelOptions extends Omit<RelateOptions, "exact"> {
  /** From this many papers, threads are used (default PARALLEL_FROM). */
  parallelFrom?: number;
  /** Tokenised documents of earlier builds, by a hash of their keys (a paper's key: Paper.textKeys). */
  known?: Memo<KnownTokens>;
  /**
   * The last build's neighbour lists, read and then replaced by this build's: when papers were only added, the
   * documents they cannot reach keep their lists instead of being searched again (related/carry-over.ts).
   */
  last?: Slot<NeighbourState>;
  /** Receives how many documents were searched: all, or those the carried-over lists left to search. */
  onSearched?: (searched: number, of: number) => void;
  /** Receives how many documents had their key and shared terms picked: all, or those whose terms can have changed. */
  onDescribed?: (described: number, of: number) => void;
  /** Receives which papers' lists are the last build's, and which lists this build keeps (see ListsKept). */
  onLists?: (lists: ListsKept) => void;
}

/**
 * What a build with a cache kept of its lists, and took from the last build's: what others may have kept of a paper's
 * lists (a signature of its page, say) holds for the papers whose lists the last build's were, if it was kept with
 * those lists (the same digest).
 */
export interface ListsKept {
  /** Digest of the lists this build keeps for the next one (carry-over.ts listsDigest). */
  digest: string;
  /** Digest of the last build's lists, when some papers' keywords and related lists (with their terms) are those. */
  from: string | null;
  /** Ids of those papers: neither searched again nor given their terms again. */
  kept: Set<string>;
}

/**
 * The same as `relate`, with the per-document work spread over worker threads for large catalogues, documents
 * tokenised by earlier builds (`known`) taken from there, and neighbour lists carried over from the last build (`last`).
 */
export async function relateInParallel(papers: Paper[], options: ParallelOptions = {}): Promise<Paper[]> {
  const parallel = papers.length >= (options.parallelFrom ?? PARALLEL_FROM);
  if (!parallel && !options.known) return relate(papers, options);
  const { order, docs } = documents(papers);
  const keys = order.map((i) => {
    const k = papers[i].textKeys;
    return k?.title && k.abstract ? `${k.title}|${k.abstract}` : null;
  });
  const opts = neighbourOptions(options);
  const cap = capFor(docs.length, opts);
  const frozen = usableStats(options.terms, docs.length, cap);
  const { corpus, vocabulary } = await corpusOf(docs, keys, options.known, parallel, frozen);
  const n = corpus.n, k = RELATED_COUNT;
  const input = rangeInput(corpus, opts, parallel);
  const stats = corpusStats(corpus, vocabulary, cap, frozen);
  const names = keys.every((key) => key !== null) ? order.map((i, d) => `${papers[i].id}\t${keys[d]}`) : null;
  // Hashing every term's statistics is needed only to carry lists over between builds.
  const key = names && options.last ? stateKey(stats, opts) : null;
  const last = key !== null ? options.last!.get() : undefined;
  const carried = key !== null ? carryOver(last, key, names!, corpus, input.index, opts) : null;
  const ranges = (job: RangeInput) => (parallel ? parallelMap("related", split(n, RANGES), job, 2) : Promise.resolve([relateRange(job, 0, n)]));
  let outs: RangeOutput[];
  let lists: NeighbourLists, bars: EntryBars;
  let budgetHits = 0;
  let described = n;
  // Per document, 1 when its lists or terms were worked out again (null: all were).
  let redone: Uint8Array | null = null;
  if (carried) {
    ({ lists, bars } = carried);
    const found = queryNeighbours(corpus, input.index, opts, 0, carried.search.length, carried.search);
    carried.search.forEach((d, x) => {
      lists.docs.set(found.lists.docs.subarray(x * k, (x + 1) * k), d * k);
      lists.scores.set(found.lists.scores.subarray(x * k, (x + 1) * k), d * k);
      bars.score[d] = found.bars.score[x];
      bars.doc[d] = found.bars.doc[x];
    });
    budgetHits = found.budgetHits;
    if (last?.descriptions) {
      const out = describeCarried(corpus, vocabulary, lists, carried, last.descriptions);
      described = out.described;
      redone = out.again;
      outs = [{ neighbours: out.neighbours, scores: out.scores, keywords: out.keywords, terms: out.terms, budgetHits: 0 }];
    } else outs = await ranges({ ...input, lists });
  } else {
    outs = await ranges(input);
    lists = { docs: concat(outs.map((o) => o.neighbours), Int32Array), scores: concat(outs.map((o) => o.scores), Float64Array) };
    bars = { score: concat(outs.map((o) => o.bars!.score), Float64Array), doc: concat(outs.map((o) => o.bars!.doc), Int32Array) };
    budgetHits = outs.reduce((sum, o) => sum + o.budgetHits, 0);
  }
  options.onStats?.({ cappedTerms: input.index.cappedTerms, budgetHits });
  options.onTerms?.(stats);
  options.onSearched?.(carried ? carried.search.length : n, n);
  options.onDescribed?.(described, n);
  if (key !== null) {
    const state: NeighbourState = { key, docs: names!, neighbours: lists.docs, scores: lists.scores, barScore: bars.score, barDoc: bars.doc, descriptions: descriptionsOf(vocabulary, outs) };
    options.last!.set(state);
    if (options.onLists) {
      const kept = new Set<string>();
      if (redone) for (let d = 0; d < n; d++) if (!redone[d]) kept.add(papers[order[d]].id);
      options.onLists({ digest: listsDigest(state), from: redone && last ? listsDigest(last) : null, kept });
    }
  }
  return assemble(papers, order, vocabulary, outs);
}

/**
 * Key and shared terms when lists were carried over: documents whose terms cannot have changed (carry-over.ts) keep
 * the last build's, renumbered for this corpus; the others are picked again (at 100,000 papers, a few thousand
 * instead of every document, which took about 1.3 s per thread).
 */
function describeCarried(c: Corpus, vocabulary: Vocabulary, lists: NeighbourLists, carried: CarriedOver, last: NonNullable<NeighbourState["descriptions"]>): Omit<RangeOutput, "budgetHits"> & { described: number; again: Uint8Array } {
  const n = c.n;
  const keywords = new Int32Array(n * KEYWORD_MAX).fill(-1);
  const terms = new Int32Array(n * RELATED_COUNT * TERMS_MAX).fill(-1);
  const again = carried.describe.slice();
  // The last build's term numbers → this corpus's (its keys are sorted: found by binary search).
  const toNew = Int32Array.from(last.keys === "" ? [] : last.keys.split("\n"), (k) => sortedIndex(vocabulary.keys, k));
  const copy = (from: Int32Array, to: Int32Array, width: number, p: number, d: number) => {
    for (let j = 0; j < width; j++) {
      const t = from[p * width + j];
      const u = t < 0 ? -1 : toNew[t];
      if (t >= 0 && u < 0) again[d] = 1; // a term this corpus lacks: cannot happen when only papers were added
      to[d * width + j] = u;
    }
  };
  carried.renumber.forEach((d, p) => {
    if (again[d]) return;
    copy(last.keywords, keywords, KEYWORD_MAX, p, d);
    copy(last.terms, terms, RELATED_COUNT * TERMS_MAX, p, d);
  });
  const docs: number[] = [];
  for (let d = 0; d < n; d++) if (again[d]) docs.push(d);
  describeDocs(c, Int32Array.from(docs), lists, keywords, terms);
  return { neighbours: lists.docs, scores: lists.scores, keywords, terms, described: docs.length, again };
}

/** Position of `key` in the sorted `keys` (code-unit order), or −1. */
function sortedIndex(keys: string[], key: string): number {
  let lo = 0, hi = keys.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid] === key) return mid;
    if (keys[mid] < key) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** Every document's key and shared terms, numbered by the terms they use (for the next build: describeCarried). */
function descriptionsOf(vocabulary: Vocabulary, outs: Omit<RangeOutput, "budgetHits">[]): NonNullable<NeighbourState["descriptions"]> {
  const keywords = concat(outs.map((o) => o.keywords), Int32Array);
  const terms = concat(outs.map((o) => o.terms), Int32Array);
  const number = new Map<number, number>();
  const keys: string[] = [];
  for (const a of [keywords, terms]) {
    for (let i = 0; i < a.length; i++) {
      const t = a[i];
      if (t < 0) continue;
      let u = number.get(t);
      if (u === undefined) {
        number.set(t, (u = keys.length));
        keys.push(vocabulary.keys[t]);
      }
      a[i] = u;
    }
  }
  return { keys: keys.join("\n"), keywords, terms };
}

function concat<T extends Int32Array | Float64Array>(parts: T[], make: new (n: number) => T): T {
  const out = new make(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * The corpus of `docs`. A known run of documents is reused when every one of its documents is here (its surface-form
 * counts are totals over the run); the other documents are tokenised, on several threads when `parallel`, and their
 * runs kept. A document's tokens are a function of its title and abstract, which its key names.
 */
async function corpusOf(docs: DocText[], keys: (string | null)[], known: Memo<KnownTokens> | undefined, parallel: boolean, stats: TermStats | null) {
  const runs = new Map(known?.entries() ?? []);
  const where = new Map<string, [run: string, index: number]>();
  for (const [run, k] of runs) k.docKeys.forEach((key, i) => where.set(key, [run, i]));
  const wanted = new Map<string, number>();
  for (const key of keys) {
    const w = key === null ? undefined : where.get(key);
    if (w) wanted.set(w[0], (wanted.get(w[0]) ?? 0) + 1);
  }
  const chunks: TokenChunk[] = [];
  const chunkOf = new Map<string, number>();
  for (const [run, count] of wanted) if (count === runs.get(run)!.docKeys.length) chunkOf.set(run, chunks.push(known!.get(run)!.tokens) - 1);
  const at = { chunk: new Int32Array(docs.length), index: new Int32Array(docs.length) };
  const missing: number[] = [];
  keys.forEach((key, d) => {
    const w = key === null ? undefined : where.get(key);
    const c = w && chunkOf.get(w[0]);
    if (w && c !== undefined) {
      at.chunk[d] = c;
      at.index[d] = w[1];
    } else missing.push(d);
  });
  const fresh = split(missing.length, parallel ? TOKEN_RANGES : 1, 1000).map(([from, to]) => missing.slice(from, to));
  const tokens = await parallelMap("tokens", fresh.map((run) => run.map((d) => docs[d])), undefined, parallel ? 2 : Infinity);
  fresh.forEach((run, r) => {
    run.forEach((d, i) => {
      at.chunk[d] = chunks.length;
      at.index[d] = i;
    });
    chunks.push(tokens[r]);
    const runKeys = run.map((d) => keys[d]);
    if (runKeys.every((k) => k !== null)) known?.set(hash("sha256", runKeys.join("\n"), "base64url"), { docKeys: runKeys as string[], tokens: tokens[r] });
  });
  return buildCorpus(chunks, parallel, at, stats);
}

/** [from, to) ranges of about n / parts documents (at least `min`) covering 0 … n − 1. */
function split(n: number, parts: number, min = 64): [number, number][] {
  const size = Math.max(min, Math.ceil(n / parts));
  const ranges: [number, number][] = [];
  for (let from = 0; from < n; from += size) ranges.push([from, Math.min(n, from + size)]);
  return ranges;
}

function neighbourOptions(options: RelateOptions): NeighbourOptions {
  return { ...options.limits, k: RELATED_COUNT, minShared: TERMS_MIN };
}

/** Papers with their keywords and related lists, from the outputs of consecutive ranges covering every document. */
function assemble(papers: Paper[], order: number[], vocabulary: Vocabulary, outs: Omit<RangeOutput, "budgetHits">[]): Paper[] {
  // Display forms are slices of lower-cased abstracts and ropes (bigrams): compacted once each, as pages repeat them.
  const display: (string | undefined)[] = [];
  const words = (ids: Int32Array, at: number, max: number) => {
    const out: string[] = [];
    for (let i = at; i < at + max && ids[i] >= 0; i++) out.push((display[ids[i]] ??= compact(vocabulary.display[ids[i]])));
    return out;
  };
  const result = papers.slice();
  let d = 0;
  for (const o of outs) {
    for (let at = 0; at < o.keywords.length / KEYWORD_MAX; at++, d++) {
      const related: Related[] = [];
      for (let r = 0; r < RELATED_COUNT; r++) {
        const slot = at * RELATED_COUNT + r;
        const b = o.neighbours[slot];
        if (b < 0) break;
        related.push({ id: papers[order[b]].id, score: Math.round(Math.min(1, o.scores[slot]) * 10000) / 10000, terms: words(o.terms, slot * TERMS_MAX, TERMS_MAX) });
      }
      result[order[d]] = { ...papers[order[d]], keywords: words(o.keywords, at * KEYWORD_MAX, KEYWORD_MAX), related };
    }
  }
  return result;
}
