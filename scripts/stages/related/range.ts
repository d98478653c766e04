// The per-document part of the related stage for a range of documents: neighbours, key terms and the terms each pair
// shares, as term and document numbers in typed arrays. Pure and free of strings, so that worker threads can run it on
// the shared corpus (see related.ts); the main thread turns numbers into words.
import { buildIndex, queryNeighbours, type EntryBars, type NeighbourLists, type NeighbourOptions, type PostingIndex } from "./neighbours.ts";
import type { Corpus } from "./tfidf.ts";

export const RELATED_COUNT = 5;
export const KEYWORD_MIN = 3;
export const KEYWORD_MAX = 5;
export const TERMS_MIN = 2;
export const TERMS_MAX = 4;

/** Everything a range needs, in (shared) typed arrays. */
export interface RangeInput {
  corpus: Corpus;
  index: PostingIndex;
  opts: NeighbourOptions;
  /** Every document's neighbour lists, when known already (carry-over.ts): then only described. */
  lists?: NeighbourLists;
}

/**
 * Per document of the range: RELATED_COUNT neighbours and their scores (−1 / 0 where there are fewer), KEYWORD_MAX
 * keyword term ids and, per neighbour, TERMS_MAX shared term ids (−1 where there are fewer).
 */
export interface RangeOutput {
  neighbours: Int32Array;
  scores: Float64Array;
  keywords: Int32Array;
  terms: Int32Array;
  /** Entry bars of the range's documents, when they were searched. */
  bars?: EntryBars;
  budgetHits: number;
}

export function relateRange(input: RangeInput, from: number, to: number): RangeOutput {
  if (input.lists) {
    const k = input.opts.k;
    const lists = { docs: input.lists.docs.slice(from * k, to * k), scores: input.lists.scores.slice(from * k, to * k) };
    return { ...describe(input.corpus, from, to, lists), budgetHits: 0 };
  }
  const { lists, bars, budgetHits } = queryNeighbours(input.corpus, input.index, input.opts, from, to);
  return { ...describe(input.corpus, from, to, lists), bars, budgetHits };
}

/** Neighbour lists of documents `from` … `to` − 1 with their keywords and the terms each pair shares. */
export function describe(c: Corpus, from: number, to: number, lists: NeighbourLists): Omit<RangeOutput, "budgetHits" | "bars"> {
  const keywords = new Int32Array((to - from) * KEYWORD_MAX).fill(-1);
  const terms = new Int32Array((to - from) * RELATED_COUNT * TERMS_MAX).fill(-1);
  const describer = new Describer(c);
  for (let d = from; d < to; d++) describer.describe(d, lists, d - from, keywords, terms, d - from);
  return { neighbours: lists.docs, scores: lists.scores, keywords, terms };
}

/**
 * Describes the documents `docs` into every document's `keywords` and `terms` (arrays laid out as describe's, for the
 * whole corpus), from every document's neighbour `lists`.
 */
export function describeDocs(c: Corpus, docs: Int32Array, lists: NeighbourLists, keywords: Int32Array, terms: Int32Array): void {
  const describer = new Describer(c);
  for (const d of docs) {
    keywords.fill(-1, d * KEYWORD_MAX, (d + 1) * KEYWORD_MAX);
    terms.fill(-1, d * RELATED_COUNT * TERMS_MAX, (d + 1) * RELATED_COUNT * TERMS_MAX);
    describer.describe(d, lists, d, keywords, terms, d);
  }
}

/** Keywords of a document and the terms it shares with each neighbour; its arrays are reused from document to document. */
class Describer {
  private readonly picker: Picker;
  private readonly ranked = new Ranked();
  private readonly dense: Float64Array;

  constructor(private readonly c: Corpus) {
    this.picker = new Picker(c);
    this.dense = new Float64Array(c.df.length);
  }

  /** Document d, its neighbours at slot `listAt` of `lists`, written at slot `at` of `keywords` and `terms`. */
  describe(d: number, lists: NeighbourLists, listAt: number, keywords: Int32Array, terms: Int32Array, at: number): void {
    const { c, picker, ranked, dense } = this;
    keywordCandidates(c, d, ranked);
    picker.pick(ranked, 0, KEYWORD_MIN, KEYWORD_MAX, keywords, at * KEYWORD_MAX);
    for (let i = c.start[d]; i < c.start[d + 1]; i++) dense[c.terms[i]] = c.weights[i];
    for (let r = 0; r < RELATED_COUNT; r++) {
      const b = lists.docs[listAt * RELATED_COUNT + r];
      if (b < 0) continue;
      sharedCandidates(c, dense, b, ranked);
      // Terms that add little next to the strongest one are dropped, but at least TERMS_MIN are kept.
      picker.pick(ranked, 0.1, TERMS_MIN, TERMS_MAX, terms, (at * RELATED_COUNT + r) * TERMS_MAX);
    }
    for (let i = c.start[d]; i < c.start[d + 1]; i++) dense[c.terms[i]] = 0;
  }
}

/** The index and a range input for the whole corpus (with `shared`, ready to send to worker threads). */
export function rangeInput(corpus: Corpus, opts: NeighbourOptions, shared = false): RangeInput {
  return { corpus, index: buildIndex(corpus, opts, shared), opts };
}

/**
 * Candidate terms with weights, handed out strongest first (ties: lower term id first) from a binary heap: a pick
 * takes a few of them, so ordering all of them would be wasted work. Its arrays are reused from document to document.
 */
class Ranked {
  ids = new Int32Array(256);
  ws = new Float64Array(256);
  size = 0;

  clear(): void {
    this.size = 0;
  }

  push(id: number, w: number): void {
    if (this.size === this.ids.length) {
      const ids = new Int32Array(2 * this.size), ws = new Float64Array(2 * this.size);
      ids.set(this.ids);
      ws.set(this.ws);
      this.ids = ids;
      this.ws = ws;
    }
    this.ids[this.size] = id;
    this.ws[this.size++] = w;
  }

  private above(a: number, b: number): boolean {
    return this.ws[a] > this.ws[b] || (this.ws[a] === this.ws[b] && this.ids[a] < this.ids[b]);
  }

  private down(j: number): void {
    const { ids, ws } = this;
    for (;;) {
      const l = 2 * j + 1;
      if (l >= this.size) return;
      const m = l + 1 < this.size && this.above(l + 1, l) ? l + 1 : l;
      if (!this.above(m, j)) return;
      const id = ids[j], w = ws[j];
      ids[j] = ids[m];
      ws[j] = ws[m];
      ids[m] = id;
      ws[m] = w;
      j = m;
    }
  }

  /** Orders the pushed candidates for `pop`. */
  heapify(): void {
    for (let j = (this.size >> 1) - 1; j >= 0; j--) this.down(j);
  }

  /** The strongest candidate left, as [id, weight] in `into`; false when none is left. */
  pop(into: { id: number; w: number }): boolean {
    if (this.size === 0) return false;
    into.id = this.ids[0];
    into.w = this.ws[0];
    this.size--;
    this.ids[0] = this.ids[this.size];
    this.ws[0] = this.ws[this.size];
    this.down(0);
    return true;
  }
}

/** Key-term candidates of document d: terms of the title or repeated in the abstract, seen in at least one other paper
 * (one-offs are often typos, symbols or names), not in every paper; title terms are preferred. */
function keywordCandidates(c: Corpus, d: number, ranked: Ranked): void {
  ranked.clear();
  for (let i = c.start[d]; i < c.start[d + 1]; i++) {
    const t = c.terms[i];
    if (c.tf[i] < 2 || c.df[t] < 2 || c.idf[t] === 0) continue;
    ranked.push(t, c.weights[i] * (c.tf[i] >= 3 ? 1.5 : 1));
  }
  ranked.heapify();
}

/** Terms shared by the document whose weights are spread in `dense` and document b, weighted by their product. */
function sharedCandidates(c: Corpus, dense: Float64Array, b: number, ranked: Ranked): void {
  ranked.clear();
  for (let j = c.start[b]; j < c.start[b + 1]; j++) {
    const x = dense[c.terms[j]];
    if (x !== 0) ranked.push(c.terms[j], x * c.weights[j]);
  }
  ranked.heapify();
}

/** Picks display terms from ranked candidates, by their atoms (word stems; see Corpus). */
class Picker {
  /** Atoms covered in the current pick: those stamped with its number. */
  private readonly covered: Int32Array;
  private stamp = 0;

  constructor(private readonly c: Corpus) {
    this.covered = new Int32Array(c.atoms.reduce((m, a) => Math.max(m, a + 1), 0));
  }

  private readonly next = { id: 0, w: 0 };
  private skipped = new Int32Array(64);

  /**
   * Writes up to `max` term ids from `ranked`, strongest first, at `out[at …]`: a term is skipped when any of its atoms
   * is already covered by an earlier term, and a skipped term covers its atoms too (so that "aware" does not follow
   * "sharpness" once "sharpness-aware" was passed over); skipped terms fill up to `min` at the end. Past the first
   * `min` candidates, those weaker than `cutoff` × the strongest one's weight are left out (0: none).
   */
  pick(ranked: Ranked, cutoff: number, min: number, max: number, out: Int32Array, at: number): void {
    const { atomStart, atoms } = this.c;
    const mark = ++this.stamp;
    const next = this.next;
    let picked = 0;
    let nSkipped = 0;
    let top = 0;
    for (let k = 0; picked < max && ranked.pop(next); k++) {
      if (k === 0) top = next.w;
      else if (k >= min && next.w < cutoff * top) break;
      const id = next.id;
      let isCovered = false;
      for (let a = atomStart[id]; a < atomStart[id + 1]; a++) if (this.covered[atoms[a]] === mark) isCovered = true;
      for (let a = atomStart[id]; a < atomStart[id + 1]; a++) this.covered[atoms[a]] = mark;
      if (!isCovered) out[at + picked++] = id;
      else if (nSkipped < min) this.skipped[nSkipped++] = id;
    }
    for (let i = 0; i < nSkipped && picked < min; i++) out[at + picked++] = this.skipped[i];
  }
}
