// Restore a stripped math fragment to TeX (`Oleft(k^{-3} right)` → `O\left(k^{-3} \right)`) and read TeX
// back as plain Unicode (`O(k⁻³)`). Pure string functions.
import {
  ACCENT_CMDS, BINARY, BLACKBOARD, EXACT_ONLY, FONT_CMDS, FUNCTIONS, GREEK, MATH_COMMANDS, MATH_WORDS, RELATIONS,
  SIZERS, SUBSCRIPT, SUPERSCRIPT, SYMBOLS, UNICODE_TO_TEX,
} from "./tables.ts";

export interface Piece {
  text: string;
  cmd: boolean;
  word?: boolean;
}

const segmentCache = new Map<string, Piece[]>();

/** Split a letter run into command names and single letters, using as few single letters as possible. */
export function segmentRun(run: string): Piece[] {
  let hit = segmentCache.get(run);
  if (!hit) {
    hit = segmentUncached(run);
    if (segmentCache.size > 50_000) segmentCache.clear();
    segmentCache.set(run, hit);
  }
  return hit;
}

/** Length of the longest command name: no slice longer than this can be one. */
const LONGEST_COMMAND = [...MATH_COMMANDS].reduce((n, c) => Math.max(n, c.length), 0);

/**
 * Dynamic programming from the end of the run: best[i] is the segmentation of run[i..] with the fewest single letters,
 * then the fewest pieces; on a tie the earlier candidate (a single letter, then the shorter command) is kept. Only
 * slices up to the longest command name are tried, so the work is linear in the run's length.
 */
function segmentUncached(run: string): Piece[] {
  if (MATH_WORDS.has(run)) return [{ text: run, cmd: false, word: true }];
  if (EXACT_ONLY.has(run) || MATH_COMMANDS.has(run)) return [{ text: run, cmd: true }];
  const n = run.length;
  const cost = new Int32Array(n + 1);
  const count = new Int32Array(n + 1);
  // next[i]: where the piece starting at i ends (i + 1 for a single letter).
  const next = new Int32Array(n + 1);
  for (let i = n - 1; i >= 0; i--) {
    let bestCost = cost[i + 1] + 1;
    let bestCount = count[i + 1] + 1;
    let bestNext = i + 1;
    const last = Math.min(n, i + LONGEST_COMMAND);
    for (let j = i + 2; j <= last; j++) {
      if (!MATH_COMMANDS.has(run.slice(i, j))) continue;
      // Prefer fewer single letters, then longer commands (fewer pieces).
      const c = cost[j];
      const k = count[j] + 1;
      if (c < bestCost || (c === bestCost && k < bestCount)) {
        bestCost = c;
        bestCount = k;
        bestNext = j;
      }
    }
    cost[i] = bestCost;
    count[i] = bestCount;
    next[i] = bestNext;
  }
  const pieces: Piece[] = [];
  for (let i = 0; i < n; i = next[i]) pieces.push(next[i] === i + 1 ? { text: run[i], cmd: false } : { text: run.slice(i, next[i]), cmd: true });
  return pieces;
}

const DELIM_AFTER_SIZER = /^(\s*)(\\[{}|]|\\[lr]?[vV]ert|\\[lr]angle|\\[lr]floor|\\[lr]ceil|[()[\]|.<>]|\\\||lfloor|rfloor|lceil|rceil|langle|rangle)/;

/**
 * What follows piece k-1 of a letter run ending at `j` in `s`, as far as DELIM_AFTER_SIZER and the next character can
 * tell: the rest of the run's pieces and a few characters after the run (white space in the stage's text is a single
 * space). Joining the whole rest each time would cost the length of the span for each command in it.
 */
function following(pieces: Piece[], k: number, s: string, j: number): string {
  let rest = "";
  for (let q = k; q < pieces.length && rest.length < 16; q++) rest += pieces[q].text;
  if (rest.length >= 16) return rest;
  let end = j;
  while (end < s.length && /\s/.test(s[end])) end++;
  return rest + s.slice(j, end + 16);
}

export interface RestoreResult {
  tex: string;
  /** True when a word-like letter run could not be read as math. */
  doubtful: boolean;
}

/**
 * Re-insert the backslashes the dumps lost. `stripped` is false for fragments that kept their backslashes
 * (then only Unicode and obvious issues are touched).
 */
export function restoreTex(src: string): RestoreResult {
  const hadBackslash = /\\[A-Za-z]/.test(src);
  let out = "";
  // The last character of `out`, and its last that is not white space: reading them from `out`, a growing rope, would
  // cost its whole length each time.
  let tail = "";
  let solid = "";
  const emit = (t: string) => {
    if (t === "") return;
    out += t;
    tail = t[t.length - 1];
    for (let k = t.length - 1; k >= 0; k--) {
      if (!/\s/.test(t[k])) {
        solid = t[k];
        break;
      }
    }
  };
  let doubtful = false;
  let i = 0;
  const s = src;
  // Acronym with a superscript: SP^2OT, SRe^2L.
  const acro = /^([A-Z][A-Za-z]*)\^(\d)([A-Za-z]+)$/.exec(s);
  if (acro && /[A-Z].*[A-Z]/.test(acro[1] + acro[3])) {
    return { tex: `\\mathrm{${acro[1]}}^${acro[2]}\\mathrm{${acro[3]}}`, doubtful: false };
  }
  while (i < s.length) {
    const c = s[i];
    if (c === "\\") {
      const m = /^\\([A-Za-z]+|.)/.exec(s.slice(i));
      const tok = m ? m[0] : "\\";
      emit(tok);
      i += tok.length;
      continue;
    }
    if (/[A-Za-z]/.test(c)) {
      let j = i;
      while (j < s.length && /[A-Za-z]/.test(s[j])) j++;
      const run = s.slice(i, j);
      const prev = solid;
      const afterScript = prev === "^" || prev === "_";
      const pieces = segmentRun(run);
      let k = 0;
      for (const p of pieces) {
        k++;
        if (p.word) {
          const t = `\\mathrm{${p.text}}`;
          emit(afterScript && tail === prev ? `{${t}}` : t);
          continue;
        }
        if (p.cmd) {
          const rest = following(pieces, k, s, j);
          if (SIZERS.has(p.text) && !DELIM_AFTER_SIZER.test(rest)) {
            // `left` / `big` not followed by a delimiter: not a sizer here.
            emit(p.text);
            doubtful = true;
            continue;
          }
          emit("\\" + p.text);
          const next = rest[0];
          if (next !== undefined && /[A-Za-z]/.test(next)) emit(" ");
          continue;
        }
        emit(p.text);
      }
      const singles = pieces.filter((p) => !p.cmd && !p.word).length;
      if (singles >= 4 && singles === run.length && !afterScript) doubtful = true;
      if (run.length >= 4 && singles >= 3 && /[a-z]{3}/.test(pieces.filter((p) => !p.cmd && !p.word).map((p) => p.text).join(""))) doubtful = true;
      i = j;
      continue;
    }
    if (UNICODE_TO_TEX[c] !== undefined) {
      emit(UNICODE_TO_TEX[c]);
      if (/[A-Za-z]/.test(s[i + 1] ?? "") && /[A-Za-z]$/.test(UNICODE_TO_TEX[c])) emit(" ");
      i++;
      continue;
    }
    if (c === "%" || c === "&" || c === "#") { emit("\\" + c); i++; continue; }
    if (c === "$") { i++; continue; }
    emit(c);
    i++;
  }
  let tex = out.replace(/\s+([\^_])/g, "$1");
  tex = fixFractions(tex, hadBackslash);
  tex = fixSetBraces(tex);
  // Thin space lost its backslash: FE^{,2}.
  tex = tex.replace(/\^\{,/g, "^{\\,");
  // Blackboard sets.
  tex = tex.replace(/\\mathbb\s+([A-Z])/g, "\\mathbb{$1}");
  tex = tex.replace(/(?<![\\A-Za-z{])R(?=\s?\^(?:\{|[A-Za-z]|[3-9]))/g, "\\mathbb{R}");
  tex = tex.replace(/(\\(?:in|subset|subseteq|times|rightarrow|to)\s?|:)R(?![A-Za-z^_])/g, "$1\\mathbb{R}");
  tex = tex.replace(/(?<![\\A-Za-z{])R(?=\s?\\(?:rightarrow|to|times)(?![A-Za-z]))/g, "\\mathbb{R}");
  tex = tex.replace(/(\\in\s?)N(?![A-Za-z^_])/g, "$1\\mathbb{N}");
  // Spacing after commands glued to letters: \inR → handled above; collapse double spaces.
  tex = tex.replace(/\s{2,}/g, " ").trim();
  return { tex, doubtful };
}

/** Index of the bracket closing the one at `open` (same kind of braces only), or -1. */
function matchGroup(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    if (s[i] === "\\") { i++; continue; }
    if (s[i] === "{") depth++;
    else if (s[i] === "}") { depth--; if (depth === 0) return i; }
  }
  return -1;
}

const OPERATOR_ONLY = /^\s*(?:[=+\-<>:,]|\\(?:to|times|cdot|le|leq|ge|geq|in|sim|approx|rightarrow|mapsto|propto|circ|,))\s*$/;

/** `\frac{A{B}}` → `\frac{A}{B}`; and (stripped fragments only) `A{B}` → `\frac{A}{B}`, the dumps' rendering of a fraction. */
function fixFractions(tex: string, hadBackslash: boolean): string {
  // (a) \frac with a single group whose content ends with a group.
  for (let guard = 0; guard < 20; guard++) {
    const re = /\\frac\s*\{/g;
    let changed = false;
    let m: RegExpExecArray | null;
    while ((m = re.exec(tex))) {
      const open = m.index + m[0].length - 1;
      const close = matchGroup(tex, open);
      if (close < 0) break;
      if (/^\s*\{/.test(tex.slice(close + 1))) continue;
      const body = tex.slice(open + 1, close);
      if (!body.endsWith("}")) continue;
      // Find the group at the end of body.
      let depth = 0;
      let k = body.length - 1;
      for (; k >= 0; k--) {
        if (body[k] === "}") depth++;
        else if (body[k] === "{") { depth--; if (depth === 0) break; }
      }
      if (k <= 0) continue;
      tex = tex.slice(0, open) + "{" + body.slice(0, k) + "}" + body.slice(k) + tex.slice(close + 1);
      changed = true;
      break;
    }
    if (!changed) break;
  }
  if (hadBackslash) return tex;
  // (b) A{B}: a group right after an atom that no command owns.
  for (let guard = 0; guard < 30; guard++) {
    let changed = false;
    for (let pos = 1; pos < tex.length; pos++) {
      if (tex[pos] !== "{" || tex[pos - 1] === "\\") continue;
      // What comes before, as far as the tests below read it (a command name is at most LONGEST_COMMAND letters).
      const before = tex.slice(Math.max(0, pos - 2 * LONGEST_COMMAND), pos);
      if (!/[A-Za-z0-9)\]}]$/.test(before)) continue;
      const cmdBefore = /\\([A-Za-z]+)$/.exec(before);
      if (cmdBefore && (FONT_CMDS.has(cmdBefore[1]) || ACCENT_CMDS.has(cmdBefore[1]) || FUNCTIONS.has(cmdBefore[1]) || SIZERS.has(cmdBefore[1]) || cmdBefore[1] === "sqrt" || cmdBefore[1] === "frac" || RELATIONS[cmdBefore[1]] !== undefined || BINARY[cmdBefore[1]] !== undefined)) continue; // argument of a command
      if (/[\^_]$/.test(before)) continue;
      if (before.endsWith("}")) {
        // A group closed just before: a numerator only when that group was the argument of \sqrt (\sqrt{d}{n}).
        const open = groupStartBackwards(tex, pos - 1);
        if (open < 0 || !tex.slice(0, open).trimEnd().endsWith("\\sqrt")) continue;
      }
      const close = matchGroup(tex, pos);
      if (close < 0) continue;
      const den = tex.slice(pos + 1, close);
      if (OPERATOR_ONLY.test(den) || den.trim() === "") continue;
      let start = numeratorStart(tex, pos, false);
      let num = tex.slice(start, pos).trim();
      if (num === den.trim()) {
        start = numeratorStart(tex, pos, true);
        num = tex.slice(start, pos).trim();
        const lead = /^\s*-\s*/.exec(tex.slice(start, pos));
        if (lead) { start += lead[0].length; num = tex.slice(start, pos).trim(); }
      }
      if (!num) continue;
      tex = tex.slice(0, start) + `\\frac{${num}}{${den}}` + tex.slice(close + 1);
      changed = true;
      break;
    }
    if (!changed) break;
  }
  return tex;
}

function groupStartBackwards(s: string, closeIdx: number): number {
  let depth = 0;
  for (let k = closeIdx; k >= 0; k--) {
    if (s[k] === "}" && s[k - 1] !== "\\") depth++;
    else if (s[k] === "{" && s[k - 1] !== "\\") { depth--; if (depth === 0) return k; }
  }
  return -1;
}

/** Where the numerator of a stripped fraction starts: after the enclosing opener or (unless `wide`) a top-level + - , =. */
function numeratorStart(tex: string, pos: number, wide: boolean): number {
  let depth = 0;
  for (let j = pos - 1; j >= 0; j--) {
    const c = tex[j];
    if (tex[j - 1] === "\\" && /[{}()|]/.test(c)) continue;
    if (c === ")" || c === "]" || c === "}") depth++;
    else if (c === "(" || c === "[" || c === "{") {
      if (depth === 0) return j + 1;
      depth--;
    } else if (depth === 0 && !wide && /[+\-,=<>]/.test(c)) return j + 1;
    else if (depth === 0 && wide && /[,=<>]/.test(c)) return j + 1;
  }
  return 0;
}

/** `\max{a,b}` → `\max\{a,b\}`; `\times {0}` → `\times \{0\}` (set braces that lost their backslash). */
function fixSetBraces(tex: string): string {
  for (let guard = 0; guard < 20; guard++) {
    const m = /\\(max|min|times|cup|cap|setminus|in)\s?\{/.exec(tex.replace(/\\\{/g, "\0\0"));
    if (!m) break;
    const open = m.index + m[0].length - 1;
    const close = matchGroup(tex, open);
    if (close < 0) break;
    tex = tex.slice(0, open) + "\\{" + tex.slice(open + 1, close) + "\\}" + tex.slice(close + 1);
  }
  return tex;
}

// ---------------------------------------------------------------------------------------------
// TeX → plain Unicode.

function readGroup(s: string, i: number): [string, number] {
  // Returns the argument starting at i (skipping spaces): {…}, \cmd, or one char.
  while (s[i] === " ") i++;
  if (s[i] === "{") {
    const close = matchGroup(s, i);
    if (close < 0) return [s.slice(i + 1), s.length];
    return [s.slice(i + 1, close), close + 1];
  }
  if (s[i] === "\\") {
    const m = /^\\([A-Za-z]+|.)/.exec(s.slice(i));
    if (m) return [m[0], i + m[0].length];
  }
  return [s[i] ?? "", i + 1];
}

function script(inner: string, table: Record<string, string>, mark: string): string {
  const chars = [...inner];
  if (chars.length > 0 && chars.every((ch) => table[ch] !== undefined)) return chars.map((ch) => table[ch]).join("");
  if (chars.length === 1 || (mark === "_" && /^[A-Za-z0-9]+$/.test(inner))) return mark + inner;
  return `${mark}(${inner})`;
}

function needsParens(x: string): boolean {
  return [...x].length > 1 && !/^[\p{L}\p{N}.√]+$/u.test(x) && !/^\(.*\)$/.test(x);
}

function denominatorNeedsParens(x: string): boolean {
  return [...x].length > 1 && !/^[\p{N}.]+$/u.test(x) && !/^\(.*\)$/.test(x);
}

/** Readable Unicode for a TeX math fragment. */
export function texToPlain(tex: string): string {
  let out = "";
  let i = 0;
  const s = tex;
  while (i < s.length) {
    const c = s[i];
    if (c === "\\") {
      const m = /^\\([A-Za-z]+|.)/.exec(s.slice(i));
      if (!m) { i++; continue; }
      const name = m[1];
      const spaceBefore = /\s$/.test(out);
      i += m[0].length;
      if (/[A-Za-z]/.test(name) && s[i] === " " && !spaceBefore && /[A-Za-z0-9\\]/.test(s[i + 1] ?? "")) {
        // A control word swallows the space after it (kept when the command stood between spaces, or before a symbol).
        i++;
      }
      if (name === "frac") {
        const [a, j] = readGroup(s, i);
        const [b, k] = readGroup(s, j);
        i = k;
        const pa = texToPlain(a);
        const pb = texToPlain(b);
        const f = (needsParens(pa) ? `(${pa})` : pa) + "/" + (denominatorNeedsParens(pb) ? `(${pb})` : pb);
        out += /[\p{L}\p{N})]$/u.test(out) ? `(${f})` : f;
      } else if (name === "sqrt") {
        const [a, j] = readGroup(s, i);
        i = j;
        const pa = texToPlain(a);
        out += "√" + (needsParens(pa) ? `(${pa})` : pa);
      } else if (name === "mathbb") {
        const [a, j] = readGroup(s, i);
        i = j;
        out += BLACKBOARD[a.trim()] ?? texToPlain(a);
      } else if (FONT_CMDS.has(name)) {
        const [a, j] = readGroup(s, i);
        i = j;
        out += name === "text" || name === "texttt" || name === "textrm" ? a : texToPlain(a);
      } else if (ACCENT_CMDS.has(name)) {
        const [a, j] = readGroup(s, i);
        i = j;
        const pa = texToPlain(a);
        const mark = /tilde/.test(name) ? "\u0303" : /hat/.test(name) ? "\u0302" : name === "vec" ? "\u20D7" : /bar|overline/.test(name) ? "\u0304" : "";
        out += [...pa].length === 1 ? (pa + mark).normalize("NFC") : pa;
      } else if (SIZERS.has(name)) {
        if (s[i] === ".") i++;
      } else if (name === "begin" || name === "end") {
        const [, j] = readGroup(s, i);
        i = j;
        if (name === "begin" && s[i] === "{") i = readGroup(s, i)[1];
      } else if (GREEK[name] !== undefined) out += GREEK[name];
      else if (RELATIONS[name] !== undefined) out += RELATIONS[name]; else if (BINARY[name] !== undefined) out += BINARY[name];
      else if (SYMBOLS[name] !== undefined) out += SYMBOLS[name];
      else if (FUNCTIONS.has(name)) {
        if (/[\p{L}\p{N})]$/u.test(out)) out += " ";
        out += name;
        if (/[A-Za-z0-9]/.test(s[i] ?? "")) out += " ";
      } else if (name === "\\") out += "; ";
      else if (name === "," || name === ";" || name === " ") out += " ";
      else if (name === "!" ) out += "";
      else if (/[A-Za-z]/.test(name)) out += name;
      else out += name; // \{ \} \% \& \| …
      continue;
    }
    if (c === "^" || c === "_") {
      const [a, j] = readGroup(s, i + 1);
      i = j;
      const pa = texToPlain(a).trim();
      out += script(pa, c === "^" ? SUPERSCRIPT : SUBSCRIPT, c);
      continue;
    }
    if (c === "{" || c === "}") { i++; continue; }
    if (c === "&") { out += " "; i++; continue; }
    if (c === "~") { out += " "; i++; continue; }
    out += c;
    i++;
  }
  return out.replace(/\s{2,}/g, " ").replace(/([(\[])\s+/g, "$1").replace(/\s+([)\]])/g, "$1");
}
