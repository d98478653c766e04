// TF-IDF model of titles and abstracts: tokens (Unicode words, English stop words removed, Porter
// stems), unigrams plus adjacent-word bigrams, log-scaled term frequency (title words count double),
// idf = ln(N / df), L2-normalised sparse vectors. Every term keeps its most frequent surface form so
// that readers see words ("sharpness"), never stems ("sharp"). N, df and display forms come either from
// the corpus itself or from frozen term statistics (TermStats), which keep every paper's vector fixed
// while papers are added (see ../related.ts).
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

/** Bump when tokens or weights change meaning: frozen statistics of another model version are counted afresh. */
export const MODEL_VERSION = 1;

/** Statistics of one term, frozen in TermStats. */
export interface TermStat {
  /** Papers holding the term. */
  df: number;
  /** Its display form (most frequent surface form). */
  display: string;
  /** Lowest weight its posting list keeps (neighbours.ts); 0: the list is not capped. */
  threshold: number;
}

/**
 * Term statistics counted over a catalogue and kept between builds (term-stats.json beside the dumps). Terms seen in
 * fewer than 2 papers are not kept: a term missing from the table weighs as if one paper held it.
 */
export interface TermStats {
  version: number;
  /** Papers counted (the N of idf). */
  papers: number;
  /** Posting cap in force when counted, or null when the corpus was scored without pruning. */
  cap: number | null;
  terms: Map<string, TermStat>;
}

/**
 * The model as flat typed arrays: document d's terms are positions start[d] … start[d + 1] − 1 of `terms`, `weights` and
 * `tf`. With `shared`, the arrays live in SharedArrayBuffers, so that worker threads read them without a copy.
 */
export interface Corpus {
  n: number;
  start: Int32Array;
  /** Term ids, ascending within each document. */
  terms: Int32Array;
  /** L2-normalised TF-IDF weights. */
  weights: Float64Array;
  /** Raw term frequency (title occurrences count double). */
  tf: Float32Array;
  /** Per term: document frequency (frozen when the term is in the statistics in force, else counted here). */
  df: Int32Array;
  /** Per term: papers of this corpus holding it (its posting list's length before any cap). */
  live: Int32Array;
  /** Per term: 1 when its statistics are those in force (all terms when they are counted here), else 0. */
  known: Uint8Array;
  /** Per term: inverse document frequency; 0 for a term in every paper. */
  idf: Float64Array;
  /** Per term: lowest weight its posting list keeps (0: every posting; NaN: not decided yet, see buildIndex). */
  threshold: Float64Array;
  /** Per term: the word stems it covers (compounds split at hyphens), as numbers: atoms[atomStart[t] … atomStart[t + 1] − 1]. */
  atomStart: Int32Array;
  atoms: Int32Array;
}

/** What only the main thread needs: each term's key and display form (its most frequent surface form). */
export interface Vocabulary {
  keys: string[];
  display: string[];
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

/** Receives the words of a text from `scan`, in order. Handles identify surface forms (see buildCorpus). */
interface Sink<H> {
  /** A word without hyphens: its handle, or null when it is not kept (see keep). */
  word(raw: string): H | null;
  /** A kept part of 3+ letters of a hyphenated compound, counted on its own. */
  part(word: string): void;
  /** A hyphenated compound with at least one kept part, parts joined by "-". */
  compound(word: string): H;
  /** A kept word directly following another kept word, with only spaces between them. */
  bigram(prev: H, next: H): void;
}

function scan<H>(text: string, sink: Sink<H>): void {
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
    let handle: H | null = null;
    if (hyphenated) {
      const parts = raw.split(HYPHEN);
      let anyKept = false;
      for (const p of parts) {
        if (!keep(p)) continue;
        anyKept = true;
        if (p.length >= 3) sink.part(p);
      }
      if (anyKept) handle = sink.compound(parts.join("-"));
    } else handle = sink.word(raw);
    if (handle !== null && prev !== null && onlySpace(s, prevEnd, start)) sink.bigram(prev, handle);
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

interface Surface {
  /** Number of this surface form, in order of first appearance. */
  sid: number;
  /** Number of its term, in order of first appearance. */
  id: number;
  key: string;
  text: string;
  count: number;
  /** Bigrams starting with this surface form, by the second one's sid. */
  next: Map<number, Surface> | null;
}

/**
 * Terms of consecutive documents, numbered in the code-unit order of their keys, and each document's terms ascending:
 * the corpus's numbering (buildCorpus) is then a merge of the chunks' keys, and keeps every document's terms in order
 * (sorting them there took about a second at 100,000 papers, on every build). Strings travel joined by newlines (which
 * no word holds): one string is copied between threads much faster than many.
 */
export interface TokenChunk {
  /** Term keys (stems, bigrams joined by a space), by term number. */
  keys: string;
  /** Surface forms and, per surface form, its term number and number of occurrences. */
  surfaces: string;
  surfaceTerm: Int32Array;
  surfaceCount: Int32Array;
  /** Per document: end of its terms in `terms`/`tf`. */
  docEnd: Int32Array;
  terms: Int32Array;
  /** Term frequency (title occurrences count double). */
  tf: Float32Array;
}

export function tokenize(docs: DocText[]): TokenChunk {
  const vocab = new Map<string, number>();
  const keys: string[] = [];
  // Every surface form seen, with its term and count. Words that are not kept map to null, so that each distinct word
  // is judged (stop word? number?) once.
  const words = new Map<string, Surface | null>();
  const surfaces: Surface[] = [];
  let scratch = new Float64Array(1024); // tf of the current document, by term number
  const touched: number[] = [];
  let weight = TITLE_WEIGHT;
  let terms = new Int32Array(1 << 16);
  let tf = new Float32Array(1 << 16);
  const docEnd = new Int32Array(docs.length);

  const termId = (key: string): number => {
    let id = vocab.get(key);
    if (id === undefined) {
      id = keys.length;
      vocab.set(key, id);
      keys.push(key);
      if (id >= scratch.length) scratch = grow(scratch, new Float64Array(scratch.length * 2));
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
    const e: Surface = { sid: surfaces.length, id: termId(key), key, text, count: 0, next: null };
    surfaces.push(e);
    return e;
  };
  const counted = (w: string): Surface => {
    let e = words.get(w);
    if (!e) words.set(w, (e = newSurface(keyOf(w), w)));
    return count(e);
  };
  const sink: Sink<Surface> = {
    word(raw) {
      let e = words.get(raw);
      if (e === undefined) words.set(raw, (e = keep(raw) ? newSurface(keyOf(raw), raw) : null));
      return e === null ? null : count(e);
    },
    part: counted,
    compound: counted,
    bigram(a, b) {
      if (a.id === b.id) return;
      a.next ??= new Map();
      let e = a.next.get(b.sid);
      if (e === undefined) a.next.set(b.sid, (e = newSurface(a.key + " " + b.key, a.text + " " + b.text)));
      count(e);
    },
  };

  let total = 0;
  docs.forEach((doc, d) => {
    weight = TITLE_WEIGHT;
    scan(doc.title, sink);
    weight = 1;
    scan(doc.abstract, sink);
    if (total + touched.length > terms.length) {
      const size = Math.max(2 * terms.length, total + touched.length);
      terms = grow(terms, new Int32Array(size));
      tf = grow(tf, new Float32Array(size));
    }
    for (const id of touched) {
      terms[total] = id;
      tf[total++] = scratch[id];
      scratch[id] = 0;
    }
    docEnd[d] = total;
    touched.length = 0;
  });
  // Terms renumbered in key order, and each document's sorted (their tf carried through `scratch`, zero again after).
  const order = keys.map((_, i) => i).sort((a, b) => (keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : 0));
  const rank = new Int32Array(keys.length);
  order.forEach((id, r) => (rank[id] = r));
  for (let d = 0, from = 0; d < docs.length; from = docEnd[d++]) {
    const doc = terms.subarray(from, docEnd[d]);
    for (let j = 0; j < doc.length; j++) {
      doc[j] = rank[doc[j]];
      scratch[doc[j]] = tf[from + j];
    }
    doc.sort();
    for (let j = 0; j < doc.length; j++) {
      tf[from + j] = scratch[doc[j]];
      scratch[doc[j]] = 0;
    }
  }
  return {
    keys: order.map((id) => keys[id]).join("\n"),
    surfaces: surfaces.map((e) => e.text).join("\n"),
    surfaceTerm: Int32Array.from(surfaces, (e) => rank[e.id]),
    surfaceCount: Int32Array.from(surfaces, (e) => e.count),
    docEnd,
    terms: terms.slice(0, total),
    tf: tf.slice(0, total),
  };
}

function grow<T extends Int32Array | Float32Array | Float64Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

function typed<T extends Int32Array | Float64Array | Float32Array | Uint8Array>(make: (buffer: ArrayBuffer | SharedArrayBuffer) => T, bytes: number, shared: boolean): T {
  return make(shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
}

/**
 * 1 + ln(tf) for the whole term frequencies most terms have (title and abstract counts are whole numbers): the same
 * values, looked up instead of computed for each of a corpus's millions of terms.
 */
const LOG_TF = Float64Array.from({ length: 64 }, (_, f) => 1 + Math.log(f));

/**
 * The corpus of documents tokenised in `chunks`: document d is document `at.index[d]` of chunk `at.chunk[d]` (by default
 * the chunks' documents in order). Term ids follow the terms' keys in code-unit order, so a term's id, and with it the
 * order in which sums over terms run and ties between terms break, does not depend on how the documents were split into
 * chunks nor on which other documents the corpus holds. `stats`: frozen statistics to weigh by (null: count them here).
 */
export function buildCorpus(chunks: TokenChunk[], shared = false, at?: { chunk: Int32Array; index: Int32Array }, stats: TermStats | null = null): { corpus: Corpus; vocabulary: Vocabulary } {
  const place = at ?? { chunk: Int32Array.from(chunks.flatMap((c, i) => Array.from(c.docEnd, () => i))), index: Int32Array.from(chunks.flatMap((c) => Array.from(c.docEnd, (_, j) => j))) };
  const n = place.chunk.length;
  // Every chunk is used whole, so the chunks' terms are the corpus's.
  const { keys, ids } = mergeKeys(chunks.map((c) => (c.keys === "" ? [] : c.keys.split("\n"))));
  let total = 0;
  for (let d = 0; d < n; d++) {
    const c = chunks[place.chunk[d]], i = place.index[d];
    total += c.docEnd[i] - (i > 0 ? c.docEnd[i - 1] : 0);
  }
  const start = typed((b) => new Int32Array(b), 4 * (n + 1), shared);
  const terms = typed((b) => new Int32Array(b), 4 * total, shared);
  const tf = typed((b) => new Float32Array(b), 4 * total, shared);
  let pos = 0;
  for (let d = 0; d < n; d++) {
    const ci = place.chunk[d], c = chunks[ci], i = place.index[d], id = ids[ci];
    const from = i > 0 ? c.docEnd[i - 1] : 0, end = c.docEnd[i];
    // The chunk's numbering maps to the corpus's in order: the document's terms stay ascending.
    for (let j = from; j < end; j++) terms[pos + j - from] = id[c.terms[j]];
    tf.set(c.tf.subarray(from, end), pos);
    pos += end - from;
    start[d + 1] = pos;
  }
  const nTerms = keys.length;
  const live = typed((b) => new Int32Array(b), 4 * nTerms, shared);
  for (let i = 0; i < total; i++) live[terms[i]]++;
  const df = typed((b) => new Int32Array(b), 4 * nTerms, shared);
  const known = typed((b) => new Uint8Array(b), nTerms, shared);
  const idf = typed((b) => new Float64Array(b), 8 * nTerms, shared);
  const threshold = typed((b) => new Float64Array(b), 8 * nTerms, shared);
  const frozen: (TermStat | undefined)[] = new Array(nTerms);
  for (let t = 0; t < nTerms; t++) {
    const s = stats?.terms.get(keys[t]);
    frozen[t] = s;
    if (!stats) {
      df[t] = live[t];
      known[t] = 1;
      idf[t] = Math.log(n / live[t]);
      threshold[t] = NaN;
    } else if (s) {
      df[t] = s.df;
      known[t] = 1;
      idf[t] = Math.log(stats.papers / s.df);
      threshold[t] = s.threshold;
    } else {
      df[t] = live[t];
      idf[t] = Math.log(stats.papers);
    }
  }
  const weights = typed((b) => new Float64Array(b), 8 * total, shared);
  for (let doc = 0; doc < n; doc++) {
    const from = start[doc], to = start[doc + 1];
    let norm = 0;
    for (let i = from; i < to; i++) {
      const f = tf[i];
      const w = (f < LOG_TF.length && f === (f | 0) ? LOG_TF[f] : 1 + Math.log(f)) * idf[terms[i]];
      weights[i] = w;
      norm += w * w;
    }
    norm = Math.sqrt(norm);
    if (norm > 0) for (let i = from; i < to; i++) weights[i] /= norm;
  }

  // Surface form → its term and count over all chunks (each chunk is used whole), for the terms without a frozen one.
  const forms = new Map<string, { id: number; count: number }>();
  chunks.forEach((c, ci) => {
    if (c.surfaces === "") return;
    c.surfaces.split("\n").forEach((text, s) => {
      const id = ids[ci][c.surfaceTerm[s]];
      if (frozen[id]) return;
      const form = forms.get(text);
      if (form) form.count += c.surfaceCount[s];
      else forms.set(text, { id, count: c.surfaceCount[s] });
    });
  });
  // A term shows its most frequent surface form (ties: the shorter, then the first in code-unit order), or the frozen one.
  const display: string[] = new Array(nTerms).fill("");
  const best = new Float64Array(nTerms).fill(-1);
  for (const [s, { id: t, count }] of forms) {
    const cur = display[t];
    if (count > best[t] || (count === best[t] && (s.length < cur.length || (s.length === cur.length && s < cur)))) {
      display[t] = s;
      best[t] = count;
    }
  }
  for (let t = 0; t < nTerms; t++) if (frozen[t]) display[t] = frozen[t]!.display;

  // Atoms of the terms that can be shown (in two documents or more): stems of words and of compounds' parts.
  const atomIds = new Map<string, number>();
  const atomStart = typed((b) => new Int32Array(b), 4 * (nTerms + 1), shared);
  const atomList: number[] = [];
  keys.forEach((key, t) => {
    if (df[t] >= 2) {
      for (const atom of key.split(/[ -]/)) {
        let a = atomIds.get(atom);
        if (a === undefined) atomIds.set(atom, (a = atomIds.size));
        atomList.push(a);
      }
    }
    atomStart[t + 1] = atomList.length;
  });
  const atoms = typed((b) => new Int32Array(b), 4 * atomList.length, shared);
  atoms.set(atomList);
  return { corpus: { n, start, terms, weights, tf, df, live, known, idf, threshold, atomStart, atoms }, vocabulary: { keys, display } };
}

/**
 * The union of sorted, duplicate-free key lists, sorted, and for each list its keys' positions in the union (ascending,
 * as the lists are). Merged in halves, so that each key's position is mapped once per level: the ingest cache adds a
 * list of tokens per build, and a catalogue rebuilt many times has many.
 */
function mergeKeys(lists: string[][]): { keys: string[]; ids: Int32Array[] } {
  if (lists.length <= 1) return { keys: lists[0] ?? [], ids: lists.map((l) => Int32Array.from(l, (_, i) => i)) };
  const half = lists.length >> 1;
  const a = mergeKeys(lists.slice(0, half)), b = mergeKeys(lists.slice(half));
  const keys: string[] = [];
  const fromA = new Int32Array(a.keys.length), fromB = new Int32Array(b.keys.length);
  let i = 0, j = 0;
  while (i < a.keys.length || j < b.keys.length) {
    const next = j === b.keys.length || (i < a.keys.length && a.keys[i] <= b.keys[j]) ? a.keys[i] : b.keys[j];
    if (i < a.keys.length && a.keys[i] === next) fromA[i++] = keys.length;
    if (j < b.keys.length && b.keys[j] === next) fromB[j++] = keys.length;
    keys.push(next);
  }
  return { keys, ids: [...a.ids.map((x) => x.map((k) => fromA[k])), ...b.ids.map((x) => x.map((k) => fromB[k]))] };
}

/**
 * The statistics this corpus was weighed by, to freeze: its own counts (with the posting thresholds buildIndex chose)
 * or, when it was weighed by frozen ones, those. Terms in fewer than 2 papers are left out.
 */
export function corpusStats(c: Corpus, vocabulary: Vocabulary, cap: number | null, frozen: TermStats | null): TermStats {
  if (frozen) return frozen;
  const terms = new Map<string, TermStat>();
  vocabulary.keys.forEach((key, t) => {
    if (c.df[t] >= 2) terms.set(key, { df: c.df[t], display: vocabulary.display[t], threshold: Number.isNaN(c.threshold[t]) ? 0 : c.threshold[t] });
  });
  return { version: MODEL_VERSION, papers: c.n, cap, terms };
}

/** Cosine of documents a and b (vectors are normalised) and how many weighted terms they share. */
export function dot(c: Corpus, a: number, b: number): { score: number; shared: number } {
  const { terms: t, weights: w } = c;
  let i = c.start[a], j = c.start[b];
  const ia = c.start[a + 1], jb = c.start[b + 1];
  let score = 0, shared = 0;
  while (i < ia && j < jb) {
    if (t[i] === t[j]) {
      score += w[i] * w[j];
      if (w[i] !== 0) shared++; // a term in every document (weight 0) is not shared evidence
      i++;
      j++;
    } else if (t[i] < t[j]) i++;
    else j++;
  }
  return { score, shared };
}
