// TF-IDF model of titles and abstracts: tokens (Unicode words, English stop words removed, Porter
// stems), unigrams plus adjacent-word bigrams, log-scaled term frequency (title words count double),
// idf = ln(N / df), L2-normalised sparse vectors. Every term keeps its most frequent surface form so
// that readers see words ("sharpness"), never stems ("sharp").
import { stemmer } from "stemmer";
import { eng } from "stopword";

const STOP = new Set(eng);
const URL = /\b(?:https?:\/\/|www\.)\S+/giu;
const URL_HINT = /:\/\/|www\./;
const TITLE_WEIGHT = 2;
const NON_ASCII = /[^\x00-\x7f]/;
const LETTER_OR_NUMBER = /^[\p{L}\p{N}]$/u;
const LETTER = /\p{L}/u;

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
  /** Per term, filled on demand: the word stems it covers (compounds split at hyphens). */
  atoms: (string[] | undefined)[];
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

const wordCharCache = new Map<number, boolean>();
/** Letters and digits (after lower-casing); non-ASCII decided by Unicode class, surrogates count. */
function isWordChar(code: number): boolean {
  if (code < 128) return (code >= 97 && code <= 122) || (code >= 48 && code <= 57);
  if (code >= 0xd800 && code <= 0xdfff) return true;
  let v = wordCharCache.get(code);
  if (v === undefined) wordCharCache.set(code, (v = LETTER_OR_NUMBER.test(String.fromCharCode(code))));
  return v;
}

function isHyphen(code: number): boolean {
  return code === 45 || code === 0x2010 || code === 0x2011;
}

function hasLetter(word: string): boolean {
  for (let i = 0; i < word.length; i++) {
    const ch = word.charCodeAt(i);
    if (ch >= 97 && ch <= 122) return true;
    if (ch >= 128) return LETTER.test(word.slice(i));
  }
  return false;
}

function keep(word: string): boolean {
  return word.length >= 2 && !STOP.has(word) && hasLetter(word); // drops pure numbers
}

function prepare(text: string): string {
  let t = NON_ASCII.test(text) ? text.normalize("NFKC") : text;
  t = t.toLowerCase();
  return URL_HINT.test(t) ? t.replace(URL, " . ") : t;
}

/** Calls `unigram(word)` for each kept word (a hyphenated compound is one word, and also yields its
 * parts of 3+ letters through `part`), and `bigram()` when a kept word directly follows another kept
 * word with only spaces between them. `unigram` returns a handle that `bigram(prev, next)` receives. */
function scan<H>(text: string, unigram: (word: string) => H, part: (word: string) => void, bigram: (prev: H, next: H) => void): void {
  const s = prepare(text);
  const len = s.length;
  let prev: H | null = null;
  let prevEnd = -1;
  let i = 0;
  while (i < len) {
    if (!isWordChar(s.charCodeAt(i))) {
      i++;
      continue;
    }
    const start = i;
    let hyphenated = false;
    while (i < len) {
      const code = s.charCodeAt(i);
      if (isWordChar(code)) i++;
      else if (isHyphen(code) && i + 1 < len && isWordChar(s.charCodeAt(i + 1))) {
        hyphenated = true;
        i++;
      } else break;
    }
    const raw = s.slice(start, i);
    let word: string | null = null;
    if (hyphenated) {
      const parts = raw.split(HYPHEN);
      let anyKept = false;
      for (const p of parts) {
        if (!keep(p)) continue;
        anyKept = true;
        if (p.length >= 3) part(p);
      }
      if (anyKept) word = parts.join("-");
    } else if (keep(raw)) word = raw;
    let handle: H | null = null;
    if (word !== null) {
      handle = unigram(word);
      if (prev !== null && onlySpace(s, prevEnd, start)) bigram(prev, handle);
    }
    prev = handle;
    prevEnd = i;
  }
}

const HYPHEN = /[-‐‑]/u;

function onlySpace(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const ch = text.charCodeAt(i);
    if (ch !== 32 && ch !== 9 && ch !== 10 && ch !== 13 && ch !== 160) return false;
  }
  return true;
}

/** Term key of a word: its stem; compounds are stemmed part by part. */
function keyOf(word: string): string {
  return word.includes("-") ? word.split("-").map(stem).join("-") : stem(word);
}

/** Terms of one text as [key, surface] pairs, in order of occurrence (for tests and debugging). */
export function textTerms(text: string): [key: string, surface: string][] {
  const out: [string, string][] = [];
  scan(
    text,
    (w) => (out.push([keyOf(w), w]), w),
    (w) => out.push([keyOf(w), w]),
    (a, b) => out.push([keyOf(a) + " " + keyOf(b), a + " " + b]),
  );
  return out;
}

interface Surface {
  /** Unique number of this surface form (bigram map keys are built from it). */
  sid: number;
  id: number;
  key: string;
  text: string;
  count: number;
}

export function buildCorpus(docs: DocText[]): Corpus {
  const vocab = new Map<string, number>();
  const keys: string[] = [];
  // Every surface form seen, with its term and count; a term shows its most frequent surface form.
  const words = new Map<string, Surface>();
  const pairs = new Map<number, Surface>();
  const surfaces: Surface[] = [];
  let dfList: number[] = [];
  let scratch = new Float64Array(1024); // tf of the current document, by term id
  const docTerms: Int32Array[] = [];
  const docTf: Float64Array[] = [];
  const touched: number[] = [];
  let weight = TITLE_WEIGHT;

  const termId = (key: string): number => {
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
    return id;
  };
  const count = (e: Surface): Surface => {
    e.count++;
    if (scratch[e.id] === 0) touched.push(e.id);
    scratch[e.id] += weight;
    return e;
  };
  const newSurface = (key: string, text: string): Surface => {
    const e: Surface = { sid: surfaces.length, id: termId(key), key, text, count: 0 };
    surfaces.push(e);
    return e;
  };
  const unigram = (w: string): Surface => {
    let e = words.get(w);
    if (e === undefined) words.set(w, (e = newSurface(keyOf(w), w)));
    return count(e);
  };
  const bigram = (a: Surface, b: Surface): void => {
    if (a.id === b.id) return;
    const k = a.sid * 67108864 + b.sid; // exact for sid < 2^26
    let e = pairs.get(k);
    if (e === undefined) pairs.set(k, (e = newSurface(a.key + " " + b.key, a.text + " " + b.text)));
    count(e);
  };

  for (const doc of docs) {
    weight = TITLE_WEIGHT;
    scan(doc.title, unigram, unigram, bigram);
    weight = 1;
    scan(doc.abstract, unigram, unigram, bigram);
    const ids = new Int32Array(touched.length);
    for (let i = 0; i < ids.length; i++) ids[i] = touched[i];
    ids.sort(); // typed-array sort: numeric, native
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
  if (surfaces.length >= 67108864) throw new Error("related: too many distinct words");

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
  for (const { id, text: s, count } of surfaces) {
    const cur = display[id];
    if (count > best[id] || (count === best[id] && (s.length < cur.length || (s.length === cur.length && s < cur)))) {
      display[id] = s;
      best[id] = count;
    }
  }
  return { n, terms: docTerms, weights, tf: docTf, df, display, stems: keys.map((k) => k.split(" ")), atoms: [] };
}

/** Cosine of documents a and b (vectors are normalised) and how many weighted terms they share. */
export function dot(c: Corpus, a: number, b: number): { score: number; shared: number } {
  const ta = c.terms[a], tb = c.terms[b], wa = c.weights[a], wb = c.weights[b];
  let i = 0, j = 0, score = 0, shared = 0;
  while (i < ta.length && j < tb.length) {
    if (ta[i] === tb[j]) {
      score += wa[i] * wb[j];
      if (wa[i] !== 0) shared++; // a term in every document (weight 0) is not shared evidence
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
    let stems = c.atoms[id];
    if (stems === undefined) c.atoms[id] = stems = c.stems[id].flatMap((s) => s.split("-"));
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
