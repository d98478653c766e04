// The per-document part of the related stage for a range of documents: neighbours, key terms and the terms each pair
// shares, as term and document numbers in typed arrays. Pure and free of strings, so that worker threads can run it on
// the shared corpus (see related.ts); the main thread turns numbers into words.
import { buildIndex, queryNeighbours, type NeighbourLists, type NeighbourOptions, type PostingIndex } from "./neighbours.ts";
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
  budgetHits: number;
}

export function relateRange(input: RangeInput, from: number, to: number): RangeOutput {
  const { lists, budgetHits } = queryNeighbours(input.corpus, input.index, input.opts, from, to);
  return { ...describe(input.corpus, from, to, lists), budgetHits };
}

/** Neighbour lists of documents `from` … `to` − 1 with their keywords and the terms each pair shares. */
export function describe(c: Corpus, from: number, to: number, lists: NeighbourLists): Omit<RangeOutput, "budgetHits"> {
  const picker = new Picker(c);
  const keywords = new Int32Array((to - from) * KEYWORD_MAX).fill(-1);
  const terms = new Int32Array((to - from) * RELATED_COUNT * TERMS_MAX).fill(-1);
  const dense = new Float64Array(c.df.length);
  for (let d = from; d < to; d++) {
    const at = d - from;
    picker.pick(keywordCandidates(c, d), KEYWORD_MIN, KEYWORD_MAX, keywords, at * KEYWORD_MAX);
    for (let i = c.start[d]; i < c.start[d + 1]; i++) dense[c.terms[i]] = c.weights[i];
    for (let r = 0; r < RELATED_COUNT; r++) {
      const b = lists.docs[at * RELATED_COUNT + r];
      if (b >= 0) picker.pick(sharedCandidates(c, dense, b), TERMS_MIN, TERMS_MAX, terms, (at * RELATED_COUNT + r) * TERMS_MAX);
    }
    for (let i = c.start[d]; i < c.start[d + 1]; i++) dense[c.terms[i]] = 0;
  }
  return { neighbours: lists.docs, scores: lists.scores, keywords, terms };
}

/** The index and a range input for the whole corpus (with `shared`, ready to send to worker threads). */
export function rangeInput(corpus: Corpus, opts: NeighbourOptions, shared = false): RangeInput {
  return { corpus, index: buildIndex(corpus, opts, shared), opts };
}

interface Ranked {
  id: number;
  w: number;
}

const byWeight = (x: Ranked, y: Ranked) => y.w - x.w || x.id - y.id;

/** Key-term candidates of document d: terms of the title or repeated in the abstract, seen in at least one other paper
 * (one-offs are often typos, symbols or names), not in every paper; title terms are preferred. */
function keywordCandidates(c: Corpus, d: number): Ranked[] {
  const ranked: Ranked[] = [];
  for (let i = c.start[d]; i < c.start[d + 1]; i++) {
    const t = c.terms[i];
    if (c.tf[i] < 2 || c.df[t] < 2 || c.df[t] >= c.n) continue;
    ranked.push({ id: t, w: c.weights[i] * (c.tf[i] >= 3 ? 1.5 : 1) });
  }
  return ranked.sort(byWeight);
}

/** Terms shared by the document whose weights are spread in `dense` and document b, strongest first. */
function sharedCandidates(c: Corpus, dense: Float64Array, b: number): Ranked[] {
  const shared: Ranked[] = [];
  for (let j = c.start[b]; j < c.start[b + 1]; j++) {
    const x = dense[c.terms[j]];
    if (x !== 0) shared.push({ id: c.terms[j], w: x * c.weights[j] });
  }
  shared.sort(byWeight);
  // Drop terms that add little next to the strongest one, but keep at least TERMS_MIN.
  const top = shared.length ? shared[0].w : 0;
  return shared.filter((s, k) => k < TERMS_MIN || s.w >= 0.1 * top);
}

/** Picks display terms from ranked candidates, by their atoms (word stems; see Corpus). */
class Picker {
  /** Atoms covered in the current pick: those stamped with its number. */
  private readonly covered: Int32Array;
  private stamp = 0;

  constructor(private readonly c: Corpus) {
    this.covered = new Int32Array(c.atoms.reduce((m, a) => Math.max(m, a + 1), 0));
  }

  /**
   * Writes up to `max` term ids from `ranked` at `out[at …]`: a term is skipped when any of its atoms is already
   * covered by an earlier term, and a skipped term covers its atoms too (so that "aware" does not follow "sharpness"
   * once "sharpness-aware" was passed over); skipped terms fill up to `min` at the end.
   */
  pick(ranked: Ranked[], min: number, max: number, out: Int32Array, at: number): void {
    const { atomStart, atoms } = this.c;
    const mark = ++this.stamp;
    let picked = 0;
    const skipped: number[] = [];
    for (const { id } of ranked) {
      if (picked >= max) break;
      let isCovered = false;
      for (let a = atomStart[id]; a < atomStart[id + 1]; a++) if (this.covered[atoms[a]] === mark) isCovered = true;
      for (let a = atomStart[id]; a < atomStart[id + 1]; a++) this.covered[atoms[a]] = mark;
      if (isCovered) skipped.push(id);
      else out[at + picked++] = id;
    }
    for (const id of skipped) {
      if (picked >= min) break;
      out[at + picked++] = id;
    }
  }
}
