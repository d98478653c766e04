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

const stemCache = new Map<string, string>();
function stem(word: string): string {
  let s = stemCache.get(word);
  if (s === undefined) {
    s = stemmer(word);
    if (stemCache.size < 1_000_000) stemCache.set(word, s);
  }
  return s;
}

function hasLetter(word: string): boolean {
  for (let i = 0; i < word.length; i++) {
    const ch = word.charCodeAt(i);
    if (ch >= 97 && ch <= 122) return true;
    if (ch < 128) continue;
    return /\p{L}/u.test(word.slice(i)); // rare non-ASCII tail
  }
  return false;
}

function keep(word: string): boolean {
  if (word.length < 2 || STOP.has(word)) return false;
  return hasLetter(word); // drop pure numbers
}

function onlySpace(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const ch = text.charCodeAt(i);
    if (ch !== 32 && ch !== 9 && ch !== 10 && ch !== 13 && ch !== 160) return false;
  }
  return true;
}

/** Calls `emit(surface, isBigram)` for each term occurrence of one text: unigrams (a hyphenated compound
 * is one term and also yields its parts), and bigrams of adjacent kept words (separated by spaces only). */
function scanTerms(text: string, emit: (surface: string) => void): void {
  const clean = text.normalize("NFKC").toLowerCase().replace(URL, " . ");
  let prevWord: string | null = null;
  let prevEnd = -1;
  for (const m of clean.matchAll(WORD)) {
    const raw = m[0];
    const start = m.index;
    let word: string | null = null;
    if (HYPHEN.test(raw)) {
      const parts = raw.split(HYPHEN).filter((p) => p.length > 0);
      let anyKept = false;
      for (const part of parts) {
        if (!keep(part)) continue;
        anyKept = true;
        if (part.length >= 3) emit(part);
      }
      if (anyKept) {
        word = parts.join("-");
        emit(word);
      }
    } else if (keep(raw)) {
      word = raw;
      emit(word);
    }
    if (word !== null && prevWord !== null && prevWord !== word && onlySpace(clean, prevEnd, start)) emit(prevWord + " " + word);
    prevWord = word;
    prevEnd = start + raw.length;
  }
}

/** Term key (stems) of a surface form: words stemmed, compounds stemmed part by part. */
function keyOf(surface: string): string {
  return surface
    .split(" ")
    .map((w) => (w.includes("-") ? w.split("-").map(stem).join("-") : stem(w)))
    .join(" ");
}

/** Terms of one text as [key, surface] pairs (for tests and debugging). */
export function textTerms(text: string): [key: string, surface: string][] {
  const out: [string, string][] = [];
  scanTerms(text, (surface) => out.push([keyOf(surface), surface]));
  return out;
}

export function buildCorpus(docs: DocText[]): Corpus {
  const vocab = new Map<string, number>();
  const keys: string[] = [];
  // Every surface form seen, with its term and count; a term shows its most frequent surface form.
  const surfaces = new Map<string, { id: number; count: number }>();
  let dfList: number[] = [];
  let scratch = new Float64Array(1024); // tf of the current document, by term id
  const docTerms: Int32Array[] = [];
  const docTf: Float64Array[] = [];
  const touched: number[] = [];

  for (const doc of docs) {
    let weight = TITLE_WEIGHT;
    const emit = (surface: string) => {
      let entry = surfaces.get(surface);
      if (entry === undefined) {
        const key = keyOf(surface);
        let id = vocab.get(key);
        if (id === undefined) {
          id = keys.length;
          vocab.set(key, id);
          keys.push(key);
          dfList.push(0);
          if (id >= scratch.length) {
            const bigger = new Float64Array(scratch.length * 2);
            bigger.set(scratch);
            scratch = bigger;
          }
        }
        entry = { id, count: 0 };
        surfaces.set(surface, entry);
      }
      entry.count++;
      if (scratch[entry.id] === 0) touched.push(entry.id);
      scratch[entry.id] += weight;
    };
    scanTerms(doc.title, emit);
    weight = 1;
    scanTerms(doc.abstract, emit);
    touched.sort((a, b) => a - b);
    const ids = Int32Array.from(touched);
    const tf = new Float64Array(ids.length);
    for (let i = 0; i < ids.length; i++) {
      tf[i] = scratch[ids[i]];
      scratch[ids[i]] = 0;
      dfList[ids[i]]++;
    }
    touched.length = 0;
    docTerms.push(ids);
    docTf.push(tf);
  }

  const n = docs.length;
  const df = Int32Array.from(dfList);
  dfList = [];
  const idf = Float64Array.from(df, (d) => Math.log(n / d));
  const weights: Float64Array[] = [];
  for (let d = 0; d < n; d++) {
    const ids = docTerms[d], tf = docTf[d];
    const w = new Float64Array(ids.length);
    let norm = 0;
    for (let i = 0; i < ids.length; i++) {
      w[i] = (1 + Math.log(tf[i])) * idf[ids[i]];
      norm += w[i] * w[i];
    }
    norm = Math.sqrt(norm);
    if (norm > 0) for (let i = 0; i < w.length; i++) w[i] /= norm;
    weights.push(w);
  }

  const display: string[] = new Array(keys.length).fill("");
  const best = new Float64Array(keys.length).fill(-1);
  for (const [s, { id, count }] of surfaces) {
    const cur = display[id];
    if (count > best[id] || (count === best[id] && (s.length < cur.length || (s.length === cur.length && s < cur)))) {
      display[id] = s;
      best[id] = count;
    }
  }
  return { n, terms: docTerms, weights, tf: docTf, df, display, stems: keys.map((k) => k.split(" ")) };
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
