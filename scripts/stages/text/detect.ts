// Find the math in a line of prose whose TeX lost its backslashes, restore it, and check it with KaTeX.
//
// Words (whitespace-separated) are classified. A span starts only at a "strong" word: one that holds
// `^`, `_`, `\`, a brace group glued to an atom (`1{n}`), a relation with a command-name operand (`tau>0`), or a
// command name glued to math (`Oleft(`, `mtimes`, `nvarepsilon`) or a command name that is not an English word
// (`epsilon`). Weak evidence (`N=2`, `x = 1`, a bare `O(`) only counts in a line that has a strong word: plain text,
// template syntax (`{{ x }}`, `${x}`) and punctuation runs (`)<0`) are never math.
// Spans then grow over neighbouring operators and atoms (`Delta = f(x_0)`, `O (k^{-3})`) and over
// everything up to a closing bracket when a bracket is open (never across an English word).
// Words like "in", "big", "top", "log", "Delta", "alpha" are only ever restored inside such a span.
import katex from "katex";
import { katexOptions } from "../../katex-options.ts";
import { restoreTex, segmentRun, texToPlain } from "./restore.ts";
import { BINARY, GREEK, MATH_ONLY, MATH_WORDS, PROSE_SAFE, RELATIONS, SIZERS } from "./tables.ts";

export type Segment =
  | { kind: "text"; text: string }
  | { kind: "math"; tex: string; plain: string; source: string }
  | { kind: "mark"; mark: string }
  | { kind: "item"; index: number };

export interface DetectStats {
  mathSpans: number;
  leftAsText: number;
}

/** True when KaTeX renders `tex` without error under the site's options. */
export function katexAccepts(tex: string): boolean {
  try {
    katex.renderToString(tex, { ...katexOptions, throwOnError: true });
    return true;
  } catch {
    return false;
  }
}

/** `rel`: weak evidence, a relation between plain letters and digits (`N=2`) or a bare `O(`; strong only in a line that has other math. */
type Kind = "strong" | "rel" | "op" | "atom" | "word" | "base" | "deco" | "prose";

interface Unit {
  type: "word" | "space" | "mark" | "item";
  text: string;
  kind?: Kind;
}

const OP_WORDS = new Set(["circ", "leq", "geq", "propto", "subset", "subseteq", "triangleq", "rightarrow", "approx", "cdot", "times", "mapsto", "equiv"]);
const OP_SYMBOLS = /^(?:[=+\-<>≤≥×·∈→≈∝]|<=|>=|:=|\\?[|&])$/;
const DECO = new Set(["tilde", "widetilde", "hat", "widehat", "mathcal", "mathbb", "bar", "overline"]);
const ENGLISH_SHORT = new Set(["a", "A", "I", "an", "as", "at", "be", "by", "if", "is", "it", "of", "on", "or", "we", "the", "and", "for", "are", "our", "its", "has", "was", "not", "but", "all", "can", "any", "new", "two", "one", "via", "per", "use", "with", "from", "that", "this", "when", "where", "which", "then", "than"]);

function letterRuns(s: string): string[] {
  return s.match(/[A-Za-z]+/g) ?? [];
}

/** A letter run like `nvarepsilon`, `lambdacdot`, `widetildeTheta`: commands (one non-English) plus at most one letter. */
export function gluedMath(run: string): boolean {
  const pieces = segmentRun(run);
  if (pieces.length < 2) return false;
  const singles = pieces.filter((p) => !p.cmd && !p.word);
  if (singles.length > 1) return false;
  if (singles.length === 1 && pieces[pieces.length - 1] === singles[0] && singles[0].text === "s") return false;
  return pieces.some((p) => p.cmd && MATH_ONLY.has(p.text));
}

/** A run that reads as math when glued to math: commands and at most one single letter, or ≤2 letters. */
function mathyRun(run: string): boolean {
  if (run.length <= 2 || MATH_WORDS.has(run)) return true;
  const pieces = segmentRun(run);
  return pieces.filter((p) => !p.cmd && !p.word).length <= 1;
}

/** Core of a word for classification: without sentence punctuation, outer brackets and a `-word` suffix. */
function coreOf(w: string): string {
  let c = w.replace(/[.,;:!?]+$/, "");
  c = c.replace(/-[A-Za-z][A-Za-z-]{2,}$/, (m) => (mathyRun(m.slice(1).split("-")[0]) && m.length <= 4 ? m : ""));
  return c;
}

/**
 * A relation between symbols (`tau>0`, `N=2`, `x_0<1`, `f(x)>=0`): only math characters in the word (`a/b?c=d#e` is
 * a URL query), at least one letter, no unmatched `)`, and on each side of the relation an operand made of a letter
 * or digit run that reads as math (`)<0`, `=&{`, `A<img` and `0<1` are not). "strong" when an operand is a command
 * name (`tau>0`, `epsilon>=1`), "weak" when it only has single letters and digits (`N=2`, `x<1`).
 */
function relationWord(c: string): "strong" | "weak" | null {
  if (!/^[A-Za-z0-9()\[\]{}|+\-*\/.,=<>'\\^_\u0370-\u03FF]+$/.test(c) || !/[A-Za-z\u0370-\u03FF]/.test(c) || depthOf(c) < 0) return null;
  const lettersOf = (run: string): string[] => run.replace(/[0-9]+/g, " ").trim().split(" ").filter(Boolean);
  const operand = (run: string): boolean => run !== "" && lettersOf(run).every((l) => l.length <= 1 || mathyRun(l) || gluedMath(l));
  const command = (run: string): boolean => lettersOf(run).some((l) => (GREEK[l] !== undefined || MATH_ONLY.has(l) || gluedMath(l)) && !PROSE_SAFE.has(l));
  let found: "strong" | "weak" | null = null;
  for (const m of c.matchAll(/([A-Za-z0-9]*)[)}\]|]?(<=|>=|[=<>])(?:-?[({|]?|[({|]?-?)([A-Za-z0-9]*)/g)) {
    if (/^[<>=]/.test(c.slice(m.index + m[0].length))) continue;
    if (!operand(m[1]) || !operand(m[3])) continue;
    if (command(m[1]) || command(m[3])) return "strong";
    found = "weak";
  }
  return found;
}

/**
 * Landau notation: `O(d/P)`, `O(log k)`, `O(nnz(X)`, `O(|Omega|`, `O((M+N)…` are "strong"; a bare `O(` or `O(` with
 * a plain letter or digit and no closing bracket (`O(A`, `O(0`) only "weak".
 */
function bigO(c: string): "strong" | "weak" | null {
  const m = /^(?:O|o|Ω|Θ|Omega|Theta)\((.*)$/.exec(c.replace(/^[(\[]/, ""));
  if (!m) return null;
  const rest = m[1];
  const mathy = letterRuns(rest).every((r) => r.length <= 2 || mathyRun(r) || gluedMath(r));
  if (!mathy || rest === "") return "weak";
  if (/^[|(\\\u0370-\u03FF]/.test(rest)) return "strong";
  const first = /^[A-Za-z]+/.exec(rest)?.[0] ?? "";
  if (first.length >= 2 && (MATH_WORDS.has(first) || (mathyRun(first) && segmentRun(first).some((p) => p.cmd)))) return "strong";
  return depthOf(rest) < 0 ? "strong" : "weak";
}

function isStrong(word: string): boolean {
  const c = coreOf(word);
  if (c === "") return false;
  if (/\\[A-Za-z{}|]/.test(c)) return true;
  if (/\^/.test(c) && /[\p{L}0-9)}\]]\s*\^|^\^/u.test(c)) return true;
  // A brace group glued to an atom (`1{n}`, `sqrt{d}`, `max{d_x`, `D{to}`); braces alone (`{{ x }}`, `${x}`,
  // `{c: d}`) are template or YAML syntax, not math.
  if (/[A-Za-z0-9)\]}]\{[A-Za-z0-9\\=+\-(|]/.test(c)) return true;
  for (const m of c.matchAll(/([A-Za-z]*)_(\{|\\|[0-9]|[A-Za-z]+)/g)) {
    const before = m[1];
    if (before !== "" && !mathyRun(before) && !gluedMath(before)) continue;
    const after = m[2];
    if (/^[A-Za-z]+$/.test(after)) {
      const p = segmentRun(after);
      if (!(after.length <= 3 || MATH_WORDS.has(after) || p[0].cmd || p[0].word || (p[0].text.length === 1 && mathyRun(after)))) continue;
    }
    if (before === "" && !/[)}\]]_/.test(c)) continue;
    return true;
  }
  if (relationWord(c) === "strong") return true;
  if (/(?:^|[^A-Za-z])sim\d/.test(c)) return true;
  if (/[0-9)\]}]times(?:[A-Za-z0-9(\[{]|$)/.test(c)) return true;
  for (const run of letterRuns(c)) {
    if (gluedMath(run)) return true;
    if (MATH_ONLY.has(run) && !PROSE_SAFE.has(run) && c.replace(/[()\[\],;|$]/g, "") === run) return true;
    if (MATH_ONLY.has(run) && !PROSE_SAFE.has(run) && /[(\[;,|]/.test(c)) return true;
    if (MATH_ONLY.has(run) && !PROSE_SAFE.has(run) && letterRuns(c).every((r) => r === run || r.length <= 2)) return true;
    const pieces = segmentRun(run);
    const singles = pieces.filter((p) => !p.cmd && !p.word).length;
    if (pieces.length >= 2 && singles <= 1) {
      // Sizer glued to a letter and followed by a bracket: Oleft(, Obig(, minbig(.
      const idx = c.indexOf(run);
      const after = c[idx + run.length] ?? "";
      const last = pieces[pieces.length - 1];
      if (last.cmd && ["left", "big", "Big", "bigg"].includes(last.text) && /[(\[|]/.test(after)) return true;
      if (pieces.some((p) => p.cmd && p.text === "times") && last.text !== "times") return true;
    }
  }
  if (/^[A-Za-z0-9]+\/[A-Za-z0-9]+$/.test(c) && letterRuns(c).some((r) => { const p = segmentRun(r); return p.length === 1 && p[0].cmd && !SIZERS.has(r) && r.length >= 3 && !["log", "min", "max", "inf", "top", "dots", "sum", "int"].includes(r); })) return true;
  if (bigO(c) === "strong") return true;
  return false;
}

/**
 * Longer words are prose, never part of a span (gene sequences, hashes, runs of punctuation): the word tests below
 * take time that grows faster than the word's length, and no math in the dumps is a word this long.
 */
export const MAX_MATH_WORD = 200;
/** Longer spans are left as text (and counted as such): restoring and typesetting a span takes time that grows faster than its length. */
export const MAX_MATH_SPAN = 4000;

const kindCache = new Map<string, Kind>();

function kindOf(word: string): Kind {
  if (word.length > MAX_MATH_WORD) return "prose";
  let k = kindCache.get(word);
  if (k === undefined) {
    k = kindUncached(word);
    if (kindCache.size > 50_000) kindCache.clear();
    kindCache.set(word, k);
  }
  return k;
}

function kindUncached(word: string): Kind {
  if (isStrong(word)) return "strong";
  if (relationWord(coreOf(word)) === "weak") return "rel";
  if (bigO(coreOf(word)) === "weak") return "rel"; // `O( L^4 …)`, `O(A`
  let c = word.replace(/[.,;:!?]+$/, "").replace(/^\$|\$$/g, "");
  if (/\)$/.test(c) && depthOf(c) < 0) c = c.slice(0, -1);
  if (OP_SYMBOLS.test(c) || OP_WORDS.has(c)) return "op";
  if (DECO.has(c)) return "deco";
  if (c === "O" || c === "Omega" || c === "Theta" || c === "o") return "base";
  if (ENGLISH_SHORT.has(c)) return "prose";
  if (/^[A-Za-z]$/.test(c) || /^[0-9]+(?:\.[0-9]+)?$/.test(c)) return "atom";
  if (/^\{[A-Za-z0-9]{1,3}\}$/.test(c)) return "atom"; // `times {0}`: joins a span, never starts one
  if (MATH_WORDS.has(c)) return "word";
  if (/^[A-Za-z]?(?:\([^()\s]{1,12}\)|\[[^\[\]\s]{1,12}\])[A-Za-z]{0,2}$/.test(c) && letterRuns(c).every((r) => r.length <= 2 || mathyRun(r))) return "atom";
  if (/^[A-Za-z0-9]+\/[A-Za-z0-9]+$/.test(c) && letterRuns(c).every((r) => r.length <= 2 || mathyRun(r))) return "atom";
  if (/^[A-Za-z]+$/.test(c)) {
    const p = segmentRun(c);
    if (p.length === 1 && p[0].cmd && !SIZERS.has(c) && !["in", "to", "le", "ge", "top", "int", "sum", "inf", "max", "min", "log", "dots", "sqrt", "big", "ell"].includes(c)) return "atom";
  }
  return "prose";
}

function depthOf(s: string): number {
  let d = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === "\\") { if (s[i + 1] === "{") d++; else if (s[i + 1] === "}") d--; i++; continue; }
    if (c === "(" || c === "[" || c === "{") d++;
    else if (c === ")" || c === "]" || c === "}") d--;
  }
  return d;
}

function isEnglish(word: string): boolean {
  if (word.length > MAX_MATH_WORD) return true;
  const c = word.replace(/[.,;:!?()\[\]]+/g, "");
  if (ENGLISH_SHORT.has(c)) return true;
  if (!/^[A-Za-z]+(?:-[A-Za-z]+)*$/.test(c)) return false;
  return c.split("-").some((r) => r.length >= 3 && !mathyRun(r));
}

const endsWithOp = (s: string): boolean => {
  if (/[=+\-<>,]\s*$/.test(s)) return true;
  const m = /([A-Za-z]+)\s*$/.exec(s);
  if (!m) return false;
  const pieces = segmentRun(m[1]);
  const last = pieces[pieces.length - 1];
  return last.cmd && (RELATIONS[last.text] !== undefined || BINARY[last.text] !== undefined);
};

interface Peeled {
  pre: string;
  core: string;
  post: string;
}

/** Split off prose around a math span: sentence punctuation, `-norm` suffixes, unmatched or wrapping brackets. */
export function peel(span: string): Peeled {
  let pre = "";
  let post = "";
  let core = span;
  for (let guard = 0; guard < 10; guard++) {
    const before = core;
    let m = /[.,;:!?]+$/.exec(core);
    if (m) { post = m[0] + post; core = core.slice(0, m.index); }
    m = /-([A-Za-z][A-Za-z]*)(?:-[A-Za-z]+)*$/.exec(core);
    if (m && m[1].length >= 3 && !mathyRun(m[1])) { post = m[0] + post; core = core.slice(0, m.index); }
    else if (m && /^(norm|loss|based|th|like)$/.test(m[1])) { post = m[0] + post; core = core.slice(0, m.index); }
    m = /'s$/.exec(core);
    if (m) { post = m[0] + post; core = core.slice(0, m.index); }
    if (/[)\]]$/.test(core) && depthOf(core) < 0) { post = core.slice(-1) + post; core = core.slice(0, -1); }
    if (/^[(\[]/.test(core) && depthOf(core) > 0) { pre += core[0]; core = core.slice(1); }
    m = /^([A-Za-z]{4,})(?=\()/.exec(core);
    if (m && !mathyRun(m[1]) && !gluedMath(m[1]) && !MATH_WORDS.has(m[1])) { pre += m[1]; core = core.slice(m[1].length); }
    if (/^\(/.test(core) && /\)$/.test(core) && closingOf(core, 0) === core.length - 1) {
      pre += "("; post = ")" + post; core = core.slice(1, -1);
    }
    if (core === before) break;
  }
  return { pre, core: core.trim(), post };
}

function closingOf(s: string, open: number): number {
  let d = 0;
  for (let i = open; i < s.length; i++) {
    if (s[i] === "(") d++;
    else if (s[i] === ")") { d--; if (d === 0) return i; }
  }
  return -1;
}

const ITEM_RE = /(\uE005\d+\uE006|[\uE001-\uE004]|\s+)/;

/** Split a line into units: words, spaces, emphasis marks and item placeholders. */
function unitsOf(text: string): Unit[] {
  const units: Unit[] = [];
  for (const part of text.split(ITEM_RE)) {
    if (part === "") continue;
    if (/^\s+$/.test(part)) units.push({ type: "space", text: part });
    else if (/^\uE005/.test(part)) units.push({ type: "item", text: part });
    else if (/^[\uE001-\uE004]$/.test(part)) units.push({ type: "mark", text: part });
    else units.push({ type: "word", text: part, kind: kindOf(part) });
  }
  return units;
}

export interface MathResult {
  segments: Segment[];
  stats: DetectStats;
  /** Source text of the candidate spans left as text. */
  left: string[];
}

/** Turn one span of source text into a math segment, or null when it cannot be restored confidently. */
export function toMath(source: string): { tex: string; plain: string } | null {
  const { tex, doubtful } = restoreTex(source);
  if (doubtful || tex === "") return null;
  if (!katexAccepts(tex)) return null;
  return { tex, plain: texToPlain(tex).trim() };
}

/** The chemotaxis-style display: `align* \left\{ array{ll} row & cond , row & cond array \right. align*`. */
export function alignBlock(body: string): string | null {
  const m = /^(?:\\left\\\{\s*)?array\s*\{([a-z]+)\}(.*?)array\s*(?:\\right\.)?\s*$/s.exec(body.trim());
  if (!m) return null;
  const parts = m[2].split("&");
  if (parts.length < 2) return null;
  const rows: string[] = [];
  let lhs = parts[0];
  for (let i = 1; i < parts.length; i++) {
    const p = parts[i];
    let cut = -1;
    let d = 0;
    for (let k = 0; k < p.length; k++) {
      if (p[k] === "(" || p[k] === "[") d++;
      else if (p[k] === ")" || p[k] === "]") d--;
      else if ((p[k] === "," || p[k] === "%") && d === 0) { cut = k; break; }
    }
    const last = i === parts.length - 1 || cut < 0;
    const cond = (last ? p : p.slice(0, cut)).replace(/,\s*$/, "").trim();
    const next = last ? "" : p.slice(cut + 1);
    const cm = /^(in|on)\s*(.*)$/s.exec(cond);
    const condTex = cm ? `\\text{${cm[1]} } ${restoreTex(cm[2]).tex}` : restoreTex(cond).tex;
    const lhsTex = restoreTex(lhs.replace(/,\s*$/, "").trim()).tex;
    rows.push(`${lhsTex} & ${condTex}`);
    lhs = next;
  }
  return `\\left\\{\\begin{array}{ll} ${rows.join(" \\\\ ")} \\end{array}\\right.`;
}

/** Detect and restore math in `text` (text-mode already converted; URLs/code are item placeholders). */
export function detectMath(text: string): MathResult {
  // Display blocks (`align* … align*`) from left to right while KaTeX accepts them; the text between them and after the
  // last one is read word by word. A loop, not recursion: a line may hold any number of blocks.
  const result: MathResult = { segments: [], stats: { mathSpans: 0, leftAsText: 0 }, left: [] };
  const add = (r: MathResult) => {
    for (const seg of r.segments) result.segments.push(seg);
    for (const l of r.left) result.left.push(l);
    result.stats.mathSpans += r.stats.mathSpans;
    result.stats.leftAsText += r.stats.leftAsText;
  };
  let rest = text;
  for (;;) {
    const al = /align\*\s*(.*?)\s*align\*/s.exec(rest);
    const tex = al && alignBlock(al[1]);
    if (!al || !tex || !katexAccepts(tex)) break;
    add(detectWords(rest.slice(0, al.index)));
    add({ segments: [{ kind: "math", tex, plain: texToPlain(tex).trim(), source: al[0] }], stats: { mathSpans: 1, leftAsText: 0 }, left: [] });
    rest = rest.slice(al.index + al[0].length);
  }
  add(detectWords(rest));
  return result;
}

/** Detect and restore the inline math of `text`, word by word. */
function detectWords(text: string): MathResult {
  const stats: DetectStats = { mathSpans: 0, leftAsText: 0 };
  const segments: Segment[] = [];
  const left: string[] = [];
  const units = unitsOf(text);
  const n = units.length;
  // Neighbouring word index, only across a single space.
  const nextWord = (i: number): number => (units[i + 1]?.type === "space" && units[i + 2]?.type === "word" ? i + 2 : -1);
  const prevWord = (i: number): number => (units[i - 1]?.type === "space" && units[i - 2]?.type === "word" ? i - 2 : -1);
  const kind = (i: number): Kind => (i >= 0 ? (units[i].kind as Kind) : "prose");
  const endsSentence = (i: number): boolean => /[.,;:!?]$/.test(units[i].text);
  // Weak evidence (`N=2`, `x = 1`) only counts in a line that has confident math elsewhere: plain text such as
  // `A<0` or `n = 1` alone stays text.
  const opBetweenAtoms = (i: number): boolean => {
    if (units[i].type !== "word" || units[i].kind !== "op" || !/^(?:circ|leq|geq|propto|subset|subseteq|triangleq|rightarrow|approx|cdot|mapsto|equiv)$/.test(units[i].text)) return false;
    const a = units[i - 2];
    const b = units[i + 2];
    return units[i - 1]?.type === "space" && units[i + 1]?.type === "space" && a?.kind === "atom" && b?.kind === "atom" && !ENGLISH_SHORT.has(a.text) && !ENGLISH_SHORT.has(b.text.replace(/[.,;:]$/, ""));
  };
  const evidence = units.some((u, i) => u.type === "word" && (u.kind === "strong" || opBetweenAtoms(i)));
  for (const u of units) if (u.kind === "rel") u.kind = evidence ? "strong" : "atom";
  for (let i = 0; i < n && evidence; i++) {
    const u = units[i];
    if (u.type !== "word" || u.kind !== "op" || !/^(?:=|<|>|<=|>=)$/.test(u.text)) continue;
    const a = prevWord(i);
    const b = nextWord(i);
    const atomish = (k: number) => k >= 0 && (kind(k) === "atom" || kind(k) === "strong") && !ENGLISH_SHORT.has(units[k].text.replace(/[.,;:]+$/, ""));
    if (atomish(a) && atomish(b) && !endsSentence(a)) u.kind = "strong";
  }
  const spans: [number, number][] = [];
  for (let i = 0; i < n; i++) {
    if (units[i].type !== "word" || units[i].kind !== "strong") continue;
    let start = i;
    let end = i;
    // Grow left.
    for (;;) {
      const j = prevWord(start);
      if (j < 0 || endsSentence(j)) break;
      const kj = kind(j);
      const first = units[start].text;
      if (kj === "strong" || kj === "deco") { start = j; continue; }
      if (/^(?:[A-Z]|x|y|z)in$/.test(units[j].text) && /^(?:R|N|\[|\\?mathbb)/.test(first)) { start = j; continue; }
      if (kj === "base" && first.startsWith("(")) { start = j; continue; }
      if ((kj === "atom" || kj === "word") && first.startsWith("^")) { start = j; continue; }
      if ((kj === "atom" || kj === "word") && /^(?:[=<>≤≥]|leq|geq|propto|subseteq|subset|approx|triangleq|rightarrow)/.test(first)) { start = j; continue; }
      if (kj === "op") {
        let k = j;
        while (prevWord(k) >= 0 && kind(prevWord(k)) === "op" && !endsSentence(prevWord(k))) k = prevWord(k);
        const b = prevWord(k);
        if (b >= 0 && !endsSentence(b) && ["atom", "strong", "word"].includes(kind(b))) { start = b; continue; }
      }
      break;
    }
    // Grow right. The span's bracket depth is kept as it grows (a span is words joined by single spaces, so its depth
    // is the sum of theirs, and what it ends with is what its last word ends with): linear in the span's length.
    let guard = 0;
    let depth = 0;
    for (let k = start; k <= end; k++) depth += depthOf(units[k].text);
    for (;;) {
      const j = nextWord(end);
      if (j < 0) break;
      const grow = () => {
        for (let k = end + 1; k <= j; k++) depth += depthOf(units[k].text);
        end = j;
      };
      const lastWord = units[end].text;
      if (depth > 0 && guard++ < 25) {
        if (isEnglish(units[j].text)) break;
        grow();
        continue;
      }
      if (endsSentence(end)) break;
      if (coreOf(units[end].text) !== units[end].text.replace(/[.,;:!?]+$/, "")) break; // `ell_p-norm` ends the span
      const kj = kind(j);
      if (kj === "strong") { grow(); continue; }
      const j2 = nextWord(j);
      const grow2 = () => {
        for (let k = end + 1; k <= j2; k++) depth += depthOf(units[k].text);
        end = j2;
      };
      if (kj === "op" && j2 >= 0 && ["atom", "strong", "word", "base"].includes(kind(j2))) { grow2(); continue; }
      if (units[j].text === "to" && j2 >= 0 && /^[A-Za-z]$/.test(units[end].text) && /^[A-Za-z][.,;:]?$/.test(units[j2].text) && !ENGLISH_SHORT.has(units[j2].text.replace(/[.,;:]$/, ""))) { grow2(); continue; }
      if (/^[A-Za-z]\(/.test(units[j].text) && depthOf(units[j].text) > 0 && !isEnglish(units[j].text)) { grow(); continue; }
      if ((kj === "atom" || kj === "word" || /^[A-Za-z][.,;:]?$/.test(units[j].text)) && endsWithOp(lastWord)) { grow(); continue; }
      if (/^\[/.test(units[j].text) && depthOf(units[j].text) > 0 && !isEnglish(units[j].text)) { grow(); continue; }
      if (kj === "word" || (kj === "atom" && /^[A-Za-z]?\(/.test(units[j].text) && !/[,.;]$/.test(units[end].text) && /[)}\]A-Za-z]$/.test(lastWord) && units[j].text.length > 1)) { grow(); continue; }
      break;
    }
    spans.push([start, end]);
    // Mark covered units.
    for (let k = start; k <= end; k++) if (units[k].type === "word") units[k].kind = "prose";
    i = end;
  }
  // Emit.
  let cursor = 0;
  const pushText = (t: string) => {
    if (t === "") return;
    const last = segments[segments.length - 1];
    if (last && last.kind === "text") last.text += t;
    else segments.push({ kind: "text", text: t });
  };
  const pushUnits = (from: number, to: number) => {
    for (let k = from; k < to; k++) {
      const u = units[k];
      if (u.type === "mark") segments.push({ kind: "mark", mark: u.text });
      else if (u.type === "item") segments.push({ kind: "item", index: Number(u.text.slice(1, -1)) });
      else pushText(u.text);
    }
  };
  for (const [start, end] of spans) {
    pushUnits(cursor, start);
    const source = units.slice(start, end + 1).map((u) => u.text).join("");
    const { pre, core, post } = source.length > MAX_MATH_SPAN ? { pre: "", core: "", post: "" } : peel(source);
    const math = core ? toMath(core) : null;
    if (math) {
      pushText(pre);
      segments.push({ kind: "math", tex: math.tex, plain: math.plain, source: core });
      pushText(post);
      stats.mathSpans++;
    } else {
      pushText(source);
      stats.leftAsText++;
      left.push(source);
    }
    cursor = end + 1;
  }
  pushUnits(cursor, n);
  return { segments, stats, left };
}
