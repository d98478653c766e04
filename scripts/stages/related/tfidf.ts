// TF-IDF model of titles and abstracts: tokens (Unicode words, English stop words removed, Porter
// stems), unigrams plus adjacent-word bigrams, log-scaled term frequency (title words count double),
// idf = ln(N / df), L2-normalised sparse vectors. Every term keeps its most frequent surface form so
// that readers see words ("sharpness"), never stems ("sharp").
import { stemmer } from "stemmer";
import { eng } from "stopword";

const STOP = new Set(eng);
/** A word, or a hyphenated compound of words ("sharpness-aware", "non-convex"). */
const WORD = /[\p{L}\p{N}]+(?:[-‐‑][\p{L}\p{N}]+)*/gu;
const HYPHEN = /[-‐‑]/u;
/** Text between two words that keeps them adjacent (a bigram may span it). */
const JOINER = /^\s*$/u;
const URL = /\b(?:https?:\/\/|www\.)\S+/giu;
const TITLE_WEIGHT = 2;

export interface DocText {
  title: string;
  abstract: string;
}

export interface Corpus {
  n: number;
  /** Per document: term ids ascending, and their L2-normalised TF-IDF weights. */
  terms: Int32Array[];
  weights: Float64Array[];
  /** Per document, aligned with `terms`: raw term frequency (title occurrences count double). */
  tf: Float64Array[];
  /** Per term: document frequency, display form, the stems it is made of. */
  df: Int32Array;
  display: string[];
  stems: string[][];
}

interface Token {
  stem: string;
  word: string;
  start: number;
  end: number;
}

const stemCache = new Map<string, string>();
function stem(word: string): string {
  let s = stemCache.get(word);
  if (s === undefined) {
    s = stemmer(word);
    if (stemCache.size < 1_000_000) stemCache.set(word, s);
  }
  return s;
}

function keep(word: string): boolean {
  if (word.length < 2 || STOP.has(word)) return false;
  return /\p{L}/u.test(word); // drop pure numbers
}

/** Terms of one text as [key, surface] pairs: unigrams (a hyphenated compound is one term and also
 * yields its parts), then bigrams of adjacent kept words. */
export function textTerms(text: string): [key: string, surface: string][] {
  const clean = text.normalize("NFKC").toLowerCase().replace(URL, " . ");
  const out: [string, string][] = [];
  let prev: Token | null = null;
  for (const m of clean.matchAll(WORD)) {
    const raw = m[0];
    const start = m.index;
    let tok: Token | null = null;
    if (HYPHEN.test(raw)) {
      const parts = raw.split(HYPHEN).filter((p) => p.length > 0);
      const kept = parts.filter(keep);
      for (const part of kept) if (part.length >= 3) out.push([stem(part), part]);
      if (kept.length > 0) {
        const word = parts.join("-");
        tok = { stem: parts.map(stem).join("-"), word, start, end: start + raw.length };
        out.push([tok.stem, word]);
      }
    } else if (keep(raw)) {
      tok = { stem: stem(raw), word: raw, start, end: start + raw.length };
      out.push([tok.stem, raw]);
    }
    if (tok && prev && prev.stem !== tok.stem && JOINER.test(clean.slice(prev.end, start))) {
      out.push([prev.stem + " " + tok.stem, prev.word + " " + tok.word]);
    }
    prev = tok;
  }
  return out;
}

export function buildCorpus(docs: DocText[]): Corpus {
  const vocab = new Map<string, number>();
  const keys: string[] = [];
  const surfaceCounts: Map<string, number>[] = [];
  const dfList: number[] = [];
  const docTf: Map<number, number>[] = [];

  for (const doc of docs) {
    const tf = new Map<number, number>();
    const add = (text: string, w: number) => {
      for (const [key, surface] of textTerms(text)) {
        let id = vocab.get(key);
        if (id === undefined) {
          id = keys.length;
          vocab.set(key, id);
          keys.push(key);
          surfaceCounts.push(new Map());
          dfList.push(0);
        }
        tf.set(id, (tf.get(id) ?? 0) + w);
        const sc = surfaceCounts[id];
        sc.set(surface, (sc.get(surface) ?? 0) + 1);
      }
    };
    add(doc.title, TITLE_WEIGHT);
    add(doc.abstract, 1);
    for (const id of tf.keys()) dfList[id]++;
    docTf.push(tf);
  }

  const n = docs.length;
  const df = Int32Array.from(dfList);
  const idf = Float64Array.from(dfList, (d) => Math.log(n / d));
  const terms: Int32Array[] = [];
  const weights: Float64Array[] = [];
  const tfs: Float64Array[] = [];
  for (const tf of docTf) {
    const ids = Int32Array.from(tf.keys()).sort();
    const w = new Float64Array(ids.length);
    let norm = 0;
    for (let i = 0; i < ids.length; i++) {
      w[i] = (1 + Math.log(tf.get(ids[i])!)) * idf[ids[i]];
      norm += w[i] * w[i];
    }
    norm = Math.sqrt(norm);
    if (norm > 0) for (let i = 0; i < w.length; i++) w[i] /= norm;
    terms.push(ids);
    weights.push(w);
    tfs.push(Float64Array.from(ids, (id) => tf.get(id)!));
  }

  const display = surfaceCounts.map((sc) => {
    let best = "";
    let bestCount = -1;
    for (const [s, c] of sc) {
      if (c > bestCount || (c === bestCount && (s.length < best.length || (s.length === best.length && s < best)))) {
        best = s;
        bestCount = c;
      }
    }
    return best;
  });
  return { n, terms, weights, tf: tfs, df, display, stems: keys.map((k) => k.split(" ")) };
}

/** Cosine of documents a and b (vectors are normalised) and how many terms they share. */
export function dot(c: Corpus, a: number, b: number): { score: number; shared: number } {
  const ta = c.terms[a], tb = c.terms[b], wa = c.weights[a], wb = c.weights[b];
  let i = 0, j = 0, score = 0, shared = 0;
  while (i < ta.length && j < tb.length) {
    if (ta[i] === tb[j]) {
      score += wa[i] * wb[j];
      shared++;
      i++;
      j++;
    } else if (ta[i] < tb[j]) i++;
    else j++;
  }
  return { score, shared };
}

/** Pick display terms from (term id, weight) pairs ranked by weight: skip terms whose stems are all
 * (or, with `strict`, any) already covered by an earlier term; fall back to skipped ones if needed. */
export function pickTerms(c: Corpus, ranked: { id: number; w: number }[], min: number, max: number, strict: boolean): string[] {
  const covered = new Set<string>();
  const picked: string[] = [];
  const skipped: string[] = [];
  const seen = new Set<string>();
  for (const { id } of ranked) {
    if (picked.length >= max) break;
    const text = c.display[id];
    if (seen.has(text)) continue;
    seen.add(text);
    const stems = c.stems[id].flatMap((s) => s.split("-"));
    const isCovered = strict ? stems.some((s) => covered.has(s)) : stems.every((s) => covered.has(s));
    if (isCovered) {
      skipped.push(text);
      // In strict mode a skipped phrase also covers its words, so that "aware" does not follow
      // "sharpness" once "sharpness-aware" was passed over.
      if (strict) for (const s of stems) covered.add(s);
      continue;
    }
    picked.push(text);
    for (const s of stems) covered.add(s);
  }
  for (const text of skipped) {
    if (picked.length >= min) break;
    picked.push(text);
  }
  return picked;
}
