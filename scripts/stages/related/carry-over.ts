// Neighbour lists carried over from the last build: when papers were only added, which documents must be searched again.
//
// With frozen term statistics (tfidf.ts TermStats) a paper's weights, the postings it has and the terms its query walks
// (neighbours.ts PostingIndex.charge) do not depend on the other papers. A document's rerank set is then the best of
// its candidates by partial score, and an added paper changes it only by entering it, that is by beating the set's
// entry bar (EntryBars). The partial score is a sum over terms the query walks and the added paper is posted in; its
// sum over every such term the two share bounds it from above. For the documents whose bar some added paper's bound
// reaches, the partial score itself is summed over the terms their query walks, as the query would; those it reaches
// are searched again, with the added papers, and the others keep their lists. The result is the same as searching
// every document, which test/related.test.ts checks.
import { createHash } from "node:crypto";
import { queryBudget, WalkOrder, type EntryBars, type NeighbourLists, type NeighbourOptions, type PostingIndex } from "./neighbours.ts";
import type { Corpus, TermStats } from "./tfidf.ts";

/** The last build's neighbour lists, as the ingest cache keeps them. */
export interface NeighbourState {
  /** What the lists were computed with: frozen statistics and neighbour options (stateKey). */
  key: string;
  /** Its documents in corpus order, each named by its paper id and the cache keys of its title and abstract. */
  docs: string[];
  /** k neighbours per document (positions in `docs`, −1 for none) and their scores. */
  neighbours: Int32Array;
  scores: Float64Array;
  /** Entry bars per document (bar documents as positions in `docs`). */
  barScore: Float64Array;
  barDoc: Int32Array;
  /**
   * Every document's key terms and the terms it shares with each neighbour (as range.ts describe lays them out), as
   * numbers of the terms named in `keys` (keys joined by newlines; −1 for none).
   */
  descriptions?: { keys: string; keywords: Int32Array; terms: Int32Array };
}

/** Names the statistics and options lists are computed with: lists carry over only between builds of the same key. */
export function stateKey(stats: TermStats, opts: NeighbourOptions): string {
  const h = createHash("sha256").update(JSON.stringify([stats.version, stats.papers, stats.cap, opts]));
  for (const [key, t] of stats.terms) h.update(`\n${key}\t${t.df}\t${t.threshold}`);
  return h.digest("base64url");
}

/**
 * A digest of a build's lists as kept (their key, documents, neighbours and terms): two states with the same digest hold
 * the same lists. Hashes about 20 MB at 100,000 papers.
 */
export function listsDigest(s: NeighbourState): string {
  const bytes = (a: Int32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const h = createHash("sha256").update(`${s.key}\n${s.docs.length}\n`).update(s.docs.join("\n")).update(bytes(s.neighbours));
  if (s.descriptions) h.update(`\n${s.descriptions.keys}\n`).update(bytes(s.descriptions.keywords)).update(bytes(s.descriptions.terms));
  return h.digest("base64url");
}

export interface CarriedOver {
  lists: NeighbourLists;
  bars: EntryBars;
  /** Documents to search again (added ones included), ascending. */
  search: Int32Array;
  /**
   * Per document, 1 when its key and shared terms must be picked again: it is searched again, or it holds a term the
   * frozen statistics do not know that an added paper holds too (such a term's paper count, display form and
   * eligibility are counted in this corpus). Every other document's terms are those of the last build.
   */
  describe: Uint8Array;
  /** This corpus's number of each document of the last build. */
  renumber: Int32Array;
}

/**
 * The last build's lists renumbered for this corpus, and the documents to search again; null when they cannot carry
 * over (another key, or a document of the last build is gone or changed: then every document is searched).
 */
export function carryOver(last: NeighbourState | undefined, key: string, docs: string[], c: Corpus, index: PostingIndex, opts: NeighbourOptions): CarriedOver | null {
  const k = opts.k;
  if (!last || last.key !== key || last.docs.length > docs.length) return null;
  const number = new Map(docs.map((d, i) => [d, i]));
  const renumber = new Int32Array(last.docs.length);
  for (let p = 0; p < last.docs.length; p++) {
    const d = number.get(last.docs[p]);
    if (d === undefined) return null;
    renumber[p] = d;
  }
  const n = c.n;
  const isOld = new Uint8Array(n);
  for (const d of renumber) isOld[d] = 1;
  const lists = { docs: new Int32Array(n * k).fill(-1), scores: new Float64Array(n * k) };
  const bars: EntryBars = { score: new Float64Array(n), doc: new Int32Array(n).fill(-1) };
  for (let p = 0; p < last.docs.length; p++) {
    const d = renumber[p];
    for (let r = 0; r < k; r++) {
      const b = last.neighbours[p * k + r];
      lists.docs[d * k + r] = b < 0 ? -1 : renumber[b];
      lists.scores[d * k + r] = last.scores[p * k + r];
    }
    bars.score[d] = last.barScore[p];
    bars.doc[d] = last.barDoc[p] < 0 ? -1 : renumber[last.barDoc[p]];
  }
  const added: number[] = [];
  for (let d = 0; d < n; d++) if (!isOld[d]) added.push(d);
  const again = new Uint8Array(n);
  for (const q of added) again[q] = 1;
  if (added.length) markReached(c, index, queryBudget(index, opts), added, isOld, bars, again);
  const search: number[] = [];
  for (let d = 0; d < n; d++) if (again[d]) search.push(d);
  const describe = again.slice();
  const unknown = new Uint8Array(c.df.length);
  let anyUnknown = false;
  for (const q of added) {
    for (let i = c.start[q]; i < c.start[q + 1]; i++) {
      if (c.known[c.terms[i]]) continue;
      unknown[c.terms[i]] = 1;
      anyUnknown = true;
    }
  }
  if (anyUnknown) {
    for (let d = 0; d < n; d++) {
      if (describe[d]) continue;
      for (let i = c.start[d]; i < c.start[d + 1]; i++) {
        if (unknown[c.terms[i]]) {
          describe[d] = 1;
          break;
        }
      }
    }
  }
  return { lists, bars, search: Int32Array.from(search), describe, renumber };
}

/**
 * Marks in `again` every old document whose entry bar some added paper's partial score reaches. Candidates are found
 * by a bound: for added paper q and document d, the sum of w_d(t) · w_q(t) over the terms t that queries walk, that q
 * is posted in and d holds.
 */
function markReached(c: Corpus, index: PostingIndex, budget: number, added: number[], isOld: Uint8Array, bars: EntryBars, again: Uint8Array): void {
  const { start, terms, weights } = c;
  // Terms the added papers are posted in, and per such term every old document holding it with its weight.
  const wanted = new Int32Array(c.df.length).fill(-1);
  let nWanted = 0;
  for (const q of added) {
    for (let i = start[q]; i < start[q + 1]; i++) {
      const t = terms[i];
      if (wanted[t] < 0 && postedIn(c, index, t, weights[i])) wanted[t] = nWanted++;
    }
  }
  const count = new Int32Array(nWanted + 1);
  for (let d = 0; d < c.n; d++) {
    if (!isOld[d]) continue;
    for (let i = start[d]; i < start[d + 1]; i++) if (wanted[terms[i]] >= 0) count[wanted[terms[i]] + 1]++;
  }
  for (let w = 0; w < nWanted; w++) count[w + 1] += count[w];
  const holders = new Int32Array(count[nWanted]);
  const holderW = new Float64Array(count[nWanted]);
  const fill = count.slice(0, nWanted);
  for (let d = 0; d < c.n; d++) {
    if (!isOld[d]) continue;
    for (let i = start[d]; i < start[d + 1]; i++) {
      const w = wanted[terms[i]];
      if (w < 0) continue;
      holders[fill[w]] = d;
      holderW[fill[w]++] = weights[i];
    }
  }
  const bound = new Float64Array(c.n);
  const touched: number[] = [];
  const candidates = new Map<number, number[]>();
  for (const q of added) {
    for (let i = start[q]; i < start[q + 1]; i++) {
      const t = terms[i];
      if (wanted[t] < 0 || !postedIn(c, index, t, weights[i])) continue;
      const wq = weights[i];
      for (let h = count[wanted[t]]; h < count[wanted[t] + 1]; h++) {
        const d = holders[h];
        if (bound[d] === 0) touched.push(d);
        bound[d] += holderW[h] * wq;
      }
    }
    for (const d of touched) {
      if (bound[d] >= bars.score[d] * (1 - 1e-9)) (candidates.get(d) ?? candidates.set(d, []).get(d)!).push(q);
      bound[d] = 0;
    }
    touched.length = 0;
  }
  // The partial scores themselves: summed over the terms d's query walks, in its order, as the query sums them. Reaching,
  // not only beating, the bar is searched again, so that no rounding can leave out a paper that enters.
  const walk = new WalkOrder();
  for (const [d, qs] of candidates) {
    const nw = walk.of(c, index, d, budget);
    for (const q of qs) {
      let partial = 0;
      for (let x = 0; x < nw; x++) {
        const i = walk.walked[x];
        const wq = weightOf(c, q, terms[i]);
        if (wq > 0 && postedIn(c, index, terms[i], wq)) partial += weights[i] * wq;
      }
      if (partial > 0 && partial >= bars.score[d] * (1 - 1e-12)) {
        again[d] = 1;
        break;
      }
    }
  }
}

/** Document q's weight for term t (0 if it lacks t): its terms are ascending. */
function weightOf(c: Corpus, q: number, t: number): number {
  let lo = c.start[q], hi = c.start[q + 1] - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const x = c.terms[mid];
    if (x === t) return c.weights[mid];
    if (x < t) lo = mid + 1;
    else hi = mid - 1;
  }
  return 0;
}

/** Whether a query walking term t meets document q in its postings: q holds t with weight w. */
function postedIn(c: Corpus, index: PostingIndex, t: number, w: number): boolean {
  if (index.charge[t] < 0 || index.used[t] === 0) return false;
  return !(c.threshold[t] > 0) || w >= c.threshold[t];
}
