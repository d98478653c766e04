// Related stage: keywords per paper and its 5 most related papers with the terms they share.
//
// Model (./related/tfidf.ts): TF-IDF over the plain title and abstract — Unicode words, English stop
// words (`stopword`) removed, Porter stems (`stemmer`), unigrams plus adjacent-word bigrams, title
// words counted twice, log tf, idf = ln(N/df), cosine similarity. Neighbours come from an inverted
// index (./related/neighbours.ts) that is exact on small corpora and linear-time on large ones.
// Pure and deterministic: input order does not matter, ties are broken by paper id.
import type { Paper, Related } from "../types.ts";
import { exactNeighbours, fastNeighbours, type Neighbour, type NeighbourOptions, type NeighbourStats } from "./related/neighbours.ts";
import { buildCorpus, pickTerms, type Corpus } from "./related/tfidf.ts";

export const RELATED_COUNT = 5;
export const KEYWORD_MIN = 3;
export const KEYWORD_MAX = 5;
export const TERMS_MIN = 2;
export const TERMS_MAX = 4;

export interface RelateOptions {
  /** Use the all-pairs reference computation instead of the index (for tests). */
  exact?: boolean;
  /** Override the fast path's limits (tests: force pruning on a small corpus). */
  limits?: Pick<NeighbourOptions, "exactUpTo" | "postingCap" | "queryBudget" | "rerank">;
  /** Receives the fast path's pruning counters (both 0 means the result is exact). */
  onStats?: (stats: NeighbourStats) => void;
}

function keywords(c: Corpus, d: number): string[] {
  const ts = c.terms[d], ws = c.weights[d];
  const ranked: { id: number; w: number }[] = [];
  // Candidates: terms of the title or repeated in the abstract, seen in at least one other paper
  // (one-offs are often typos, symbols or names); title terms are preferred.
  const tf = c.tf[d];
  for (let i = 0; i < ts.length; i++) {
    if (tf[i] < 2 || c.df[ts[i]] < 2 || c.df[ts[i]] >= c.n) continue;
    ranked.push({ id: ts[i], w: ws[i] * (tf[i] >= 3 ? 1.5 : 1) });
  }
  ranked.sort((x, y) => y.w - x.w || x.id - y.id);
  return pickTerms(c, ranked, KEYWORD_MIN, KEYWORD_MAX, true);
}

/** Display terms shared by document a (its weights spread in `dense`) and document b. */
function sharedTerms(c: Corpus, dense: Float64Array, b: number): string[] {
  const tb = c.terms[b], wb = c.weights[b];
  const shared: { id: number; w: number }[] = [];
  for (let j = 0; j < tb.length; j++) {
    const x = dense[tb[j]];
    if (x !== 0) shared.push({ id: tb[j], w: x * wb[j] });
  }
  shared.sort((x, y) => y.w - x.w || x.id - y.id);
  // Drop terms that add little next to the strongest one, but keep at least TERMS_MIN.
  const top = shared.length ? shared[0].w : 0;
  const strong = shared.filter((s, k) => k < TERMS_MIN || s.w >= 0.1 * top);
  return pickTerms(c, strong, TERMS_MIN, TERMS_MAX, true);
}

export function relate(papers: Paper[], options: RelateOptions = {}): Paper[] {
  // Work in id order so that the result does not depend on the input order.
  const order = papers.map((_, i) => i).sort((x, y) => (papers[x].id < papers[y].id ? -1 : papers[x].id > papers[y].id ? 1 : x - y));
  const docs = order.map((i) => ({ title: papers[i].title.plain, abstract: papers[i].abstract.plain }));
  const corpus = buildCorpus(docs);
  const opts: NeighbourOptions = { ...options.limits, k: RELATED_COUNT, minShared: TERMS_MIN };
  let neighbours: Neighbour[][];
  if (options.exact) neighbours = exactNeighbours(corpus, opts);
  else {
    const res = fastNeighbours(corpus, opts);
    neighbours = res.neighbours;
    options.onStats?.(res.stats);
  }
  const out = papers.slice();
  const dense = new Float64Array(corpus.df.length);
  order.forEach((orig, d) => {
    const ts = corpus.terms[d], ws = corpus.weights[d];
    for (let i = 0; i < ts.length; i++) dense[ts[i]] = ws[i];
    const related: Related[] = neighbours[d].map((nb) => ({
      id: papers[order[nb.doc]].id,
      score: Math.round(Math.min(1, nb.score) * 10000) / 10000,
      terms: sharedTerms(corpus, dense, nb.doc),
    }));
    for (let i = 0; i < ts.length; i++) dense[ts[i]] = 0;
    out[orig] = { ...papers[orig], keywords: keywords(corpus, d), related };
  });
  return out;
}
