// Nearest neighbours by TF-IDF cosine: an exact all-pairs reference, and the fast path used by the
// build, which scores through an inverted index.
//
// Fast path, per document d:
//   1. walk the posting lists of d's terms (df ≥ 2), highest-weight terms first, accumulating partial
//      dot products;
//   2. keep the RERANK best candidates by partial score and rescore them exactly (the same products
//      summed in the same order as `dot`).
// Corpora of at most EXACT_UP_TO documents (the bundled dumps have 440) walk every posting, so the
// partial scores are the exact cosines and the result equals `exactNeighbours`. Above that size two
// limits make the pass linear in the number of documents: posting lists longer than POSTING_CAP keep
// only their POSTING_CAP highest-weight postings, and a query stops taking new terms once QUERY_BUDGET
// postings have been walked (so it scores through its most characteristic terms). `stats` reports
// how often each limit applied. Cost per document: ≤ QUERY_BUDGET + POSTING_CAP accumulations plus
// RERANK sparse dot products.
import { dot, type Corpus } from "./tfidf.ts";

/** Corpora up to this many documents are scored without any pruning (exact). */
export const EXACT_UP_TO = 5000;
export const POSTING_CAP = 600;
export const QUERY_BUDGET = 2500;
export const RERANK = 10;
/** Query documents have fewer terms than this (positions are packed into sort keys). */
const MAX_QUERY_TERMS = 65536;

export interface Neighbour {
  doc: number;
  score: number;
}

export interface NeighbourOptions {
  k: number;
  /** Candidates must share at least this many terms with the document. */
  minShared: number;
  exactUpTo?: number;
  postingCap?: number;
  queryBudget?: number;
  rerank?: number;
}

export interface NeighbourStats {
  cappedTerms: number;
  budgetHits: number;
}

/** Order: higher score first, then lower document number (documents are numbered in id order). */
function better(sa: number, da: number, sb: number, db: number): boolean {
  return sa > sb || (sa === sb && da < db);
}

/** Insert into a top-k list kept sorted best-first. */
function offer(list: Neighbour[], k: number, cand: Neighbour): void {
  if (list.length === k) {
    const last = list[k - 1];
    if (!better(cand.score, cand.doc, last.score, last.doc)) return;
    list.pop();
  }
  let i = list.length;
  list.push(cand);
  while (i > 0 && better(cand.score, cand.doc, list[i - 1].score, list[i - 1].doc)) {
    list[i] = list[i - 1];
    i--;
  }
  list[i] = cand;
}

/** Ties are broken by document number: callers number documents in id order. */
export function exactNeighbours(c: Corpus, opts: NeighbourOptions): Neighbour[][] {
  const out: Neighbour[][] = [];
  for (let a = 0; a < c.n; a++) {
    const list: Neighbour[] = [];
    for (let b = 0; b < c.n; b++) {
      if (b === a) continue;
      const { score, shared } = dot(c, a, b);
      if (shared < opts.minShared || score <= 0) continue;
      offer(list, opts.k, { doc: b, score });
    }
    out.push(list);
  }
  return out;
}

export function fastNeighbours(c: Corpus, opts: NeighbourOptions): { neighbours: Neighbour[][]; stats: NeighbourStats } {
  const prune = c.n > (opts.exactUpTo ?? EXACT_UP_TO);
  const cap = prune ? (opts.postingCap ?? POSTING_CAP) : Infinity;
  const budget = prune ? (opts.queryBudget ?? QUERY_BUDGET) : Infinity;
  const rerank = Math.max(opts.rerank ?? RERANK, opts.k);
  const nTerms = c.df.length;

  // Inverted index over terms with df ≥ 2 (a term in one document relates nothing), each list sorted
  // by weight descending (then doc) and capped.
  const len = new Int32Array(nTerms);
  // Terms in every document have weight 0 and are left out too, so every walked weight is positive.
  for (let t = 0; t < nTerms; t++) len[t] = c.df[t] >= 2 && c.df[t] < c.n ? c.df[t] : 0;
  const start = new Int32Array(nTerms + 1);
  for (let t = 0; t < nTerms; t++) start[t + 1] = start[t] + len[t];
  const pDoc = new Int32Array(start[nTerms]);
  const pW = new Float64Array(start[nTerms]);
  const fill = start.slice(0, nTerms);
  for (let d = 0; d < c.n; d++) {
    const ts = c.terms[d], ws = c.weights[d];
    for (let i = 0; i < ts.length; i++) {
      const t = ts[i];
      if (len[t] === 0) continue;
      pDoc[fill[t]] = d;
      pW[fill[t]++] = ws[i];
    }
  }
  const stats: NeighbourStats = { cappedTerms: 0, budgetHits: 0 };
  const used = new Int32Array(nTerms); // postings walked per term (≤ cap)
  for (let t = 0; t < nTerms; t++) {
    const n = len[t];
    if (n === 0) continue;
    if (n > cap) {
      // Keep the `cap` highest-weight postings (ties: lower doc first) at the front of the list. The
      // threshold comes from a native numeric sort of a copy of the weights (no comparator calls).
      stats.cappedTerms++;
      const s0 = start[t];
      const sorted = pW.slice(s0, s0 + n).sort();
      const threshold = sorted[n - cap]; // the cap-th largest weight
      let above = 0;
      for (let i = n - cap; i < n; i++) if (sorted[i] > threshold) above++;
      let ties = cap - above; // postings equal to the threshold that still fit, in doc order
      let w = s0;
      for (let i = s0; i < s0 + n && w < s0 + cap; i++) {
        const x = pW[i];
        if (x > threshold || (x === threshold && ties-- > 0)) {
          const dd = pDoc[i];
          // Move posting i to slot w (w ≤ i, so nothing still unread is overwritten).
          pDoc[w] = dd;
          pW[w] = x;
          w++;
        }
      }
    }
    used[t] = Math.min(n, cap);
  }

  const acc = new Float64Array(c.n);
  const touched = new Int32Array(c.n);
  const heap = new Int32Array(rerank);
  const heapScore = new Float64Array(rerank);
  const dense = new Float64Array(nTerms); // weights of the query document, by term id
  const neighbours: Neighbour[][] = [];
  let qKey = new Float64Array(1024);
  for (let d = 0; d < c.n; d++) {
    const ts = c.terms[d], ws = c.weights[d];
    if (ts.length > qKey.length) qKey = new Float64Array(Math.max(ts.length, 2 * qKey.length));
    // Query terms; under a budget, heaviest first. Sort keys pack the weight (quantised to 2^-20) with
    // the position so that a native numeric sort orders them (ties: later position first).
    let nq = 0;
    const nt = Math.min(ts.length, MAX_QUERY_TERMS);
    for (let i = 0; i < nt; i++) if (used[ts[i]] > 0) qKey[nq++] = prune ? Math.floor(ws[i] * 1048576) * MAX_QUERY_TERMS + i : i;
    const order = qKey.subarray(0, nq);
    if (prune) order.sort();
    let walked = 0;
    let nTouched = 0;
    for (let k = 0; k < nq; k++) {
      const i = prune ? order[nq - 1 - k] % MAX_QUERY_TERMS : order[k];
      const t = ts[i];
      if (walked >= budget) {
        stats.budgetHits++;
        break;
      }
      const w = ws[i];
      const end = start[t] + used[t];
      walked += used[t];
      for (let p = start[t]; p < end; p++) {
        const e = pDoc[p];
        if (acc[e] === 0) touched[nTouched++] = e; // weights are positive: 0 means not seen yet
        acc[e] += w * pW[p];
      }
    }
    // Best `rerank` candidates by partial score (ties by rank) in a heap whose root is the worst.
    let size = 0;
    for (let i = 0; i < nTouched; i++) {
      const e = touched[i];
      const sc = acc[e];
      acc[e] = 0;
      if (e === d) continue;
      if (size < rerank) {
        let j = size++;
        while (j > 0) {
          const parent = (j - 1) >> 1;
          const pd = heap[parent];
          if (!better(heapScore[parent], pd, sc, e)) break;
          heap[j] = pd;
          heapScore[j] = heapScore[parent];
          j = parent;
        }
        heap[j] = e;
        heapScore[j] = sc;
      } else if (better(sc, e, heapScore[0], heap[0])) {
        let j = 0;
        for (;;) {
          const l = 2 * j + 1;
          if (l >= size) break;
          let m = l;
          if (l + 1 < size && better(heapScore[m], heap[m], heapScore[l + 1], heap[l + 1])) m = l + 1;
          if (!better(sc, e, heapScore[m], heap[m])) break;
          heap[j] = heap[m];
          heapScore[j] = heapScore[m];
          j = m;
        }
        heap[j] = e;
        heapScore[j] = sc;
      }
    }
    // Exact rescoring: the same products summed in the same order as `dot`, via a dense query vector.
    for (let i = 0; i < ts.length; i++) dense[ts[i]] = ws[i];
    const list: Neighbour[] = [];
    for (let h = 0; h < size; h++) {
      const e = heap[h];
      const te = c.terms[e], we = c.weights[e];
      let score = 0;
      let shared = 0;
      for (let j = 0; j < te.length; j++) {
        const x = dense[te[j]];
        if (x !== 0) {
          score += x * we[j];
          shared++;
        }
      }
      if (shared < opts.minShared || score <= 0) continue;
      offer(list, opts.k, { doc: e, score });
    }
    for (let i = 0; i < ts.length; i++) dense[ts[i]] = 0;
    neighbours.push(list);
  }
  return { neighbours, stats };
}
