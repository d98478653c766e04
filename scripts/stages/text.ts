// Text stage: raw dump text → escaped Markdown (with math spans) and plain Unicode text.
//
// 0. The private-use characters used as markers below are removed from the input (they could forge markup).
// 1. URLs are cut out first (they become autolinks and are never read as math).
// 2. Text-mode LaTeX (`{\em x}`, `H{\"o}lder`, ``quotes'', `\ie`) becomes Unicode prose and emphasis marks
//    (scripts/stages/text/textmode.ts).
// 3. Math that lost its backslashes is found, restored and checked with KaTeX
//    (scripts/stages/text/detect.ts, restore.ts); what cannot be restored confidently stays as text.
// 4. Prose is emitted with every ASCII punctuation character backslash-escaped, math as `$TeX$`.
// Pure functions, no I/O.
import type { CleanText } from "../types.ts";
import { compact } from "./compact.ts";
import { closeBidi } from "./text/bidi.ts";
import { detectMath, type Segment } from "./text/detect.ts";
import { EM_CLOSE, EM_OPEN, ITEM_CLOSE, ITEM_OPEN, STRONG_CLOSE, STRONG_OPEN, convertTextMode } from "./text/textmode.ts";
import { visibleText } from "./text/visible.ts";

const MD_PUNCT = /[!-\/:-@\[-`{-~]/g;

/** Escape every ASCII punctuation character so markdown-it shows the text literally. */
export function escapeMarkdown(text: string): string {
  return text.replace(MD_PUNCT, (c) => "\\" + c);
}

const URL_RE = /https?:\/\/[^\s<>"'`{}\\|^]+/g;

const TRAILING_PUNCT = new Set([".", ",", ";", ":", "!", "?"]);

/** `s` without trailing sentence punctuation (a scan from the end: a regular expression ending in `$` tries every start). */
function trimPunct(s: string): string {
  let end = s.length;
  while (end > 0 && TRAILING_PUNCT.has(s[end - 1])) end--;
  return s.slice(0, end);
}

function trimUrl(url: string): string {
  let u = trimPunct(url);
  // Drop unbalanced closing brackets at the end: "(see https://x.org/a)". Brackets are counted once, then kept count of.
  const count: Record<string, number> = { "(": 0, ")": 0, "[": 0, "]": 0 };
  for (let i = 0; i < u.length; i++) if (count[u[i]] !== undefined) count[u[i]]++;
  for (;;) {
    const last = u[u.length - 1];
    const open = last === ")" ? "(" : last === "]" ? "[" : null;
    if (!open) break;
    if (count[last] <= count[open]) break;
    count[last]--;
    u = trimPunct(u.slice(0, -1));
  }
  return u;
}

interface Item {
  kind: "url" | "code";
  text: string;
}

/** Cut URLs out of `raw`, leaving placeholders; `url{url}` (a stripped \href) counts once. */
function cutUrls(raw: string, items: Item[]): string {
  let out = "";
  let last = 0;
  for (const m of raw.matchAll(URL_RE)) {
    const start = m.index;
    if (start < last) continue;
    const url = trimUrl(m[0]);
    let end = start + url.length;
    // Stripped \href{url}{text} / \url{url}: `url{url}` → one link.
    const dup = /^\{(https?:\/\/[^\s{}]+)\}/.exec(raw.slice(end));
    if (dup) end += dup[0].length;
    out += raw.slice(last, start).replace(/\\?(?:url|href)\{$/, "") + ITEM_OPEN + items.length + ITEM_CLOSE;
    items.push({ kind: "url", text: url });
    last = end;
    if (raw[last] === "}" && /\\?(?:url|href)\{$/.test(raw.slice(Math.max(0, start - 6), start))) last++;
  }
  return out + raw.slice(last);
}

/** Markdown for a code span holding `text` (backtick fence longer than any run inside). */
function codeSpan(text: string): string {
  const longest = (text.match(/`+/g) ?? []).reduce((n, r) => Math.max(n, r.length), 0);
  const fence = "`".repeat(longest + 1);
  const pad = text.startsWith("`") || text.endsWith("`") ? " " : "";
  return fence + pad + text + pad + fence;
}

const WORD_CHAR = /[A-Za-z0-9_]/;

/**
 * Private-use characters the stage uses as markers (emphasis, item placeholders, the hidden `{` of textmode.ts).
 * They are removed from the input first, so that text can never forge markup with them.
 */
const STAGE_MARKERS = /[\uE001-\uE006\uE100]/g;

export function cleanText(raw: string): CleanText {
  const items: Item[] = [];
  const line = raw.replace(STAGE_MARKERS, "").replace(/\s+/g, " ").trim();
  const withUrls = cutUrls(line, items);
  const tm = convertTextMode(withUrls, items.length);
  for (const code of tm.codes) items.push({ kind: "code", text: code });
  const { segments, stats } = detectMath(tm.text);
  let markdown = "";
  // The last character of `markdown`: reading it from `markdown`, a growing rope, would cost its whole length each time.
  let tail = "";
  const add = (t: string) => {
    if (t === "") return;
    markdown += t;
    tail = t[t.length - 1];
  };
  let plain = "";
  segments.forEach((seg: Segment, idx: number) => {
    switch (seg.kind) {
      case "text":
        add(escapeMarkdown(seg.text));
        plain += seg.text;
        break;
      case "math": {
        // The plugin only opens `$` after a non-word character and closes before one.
        if (WORD_CHAR.test(tail)) add("&#8203;");
        add("$" + seg.tex + "$");
        const next = segments[idx + 1];
        if (next && next.kind === "text" && WORD_CHAR.test(next.text[0] ?? "")) add("&#8203;");
        plain += seg.plain;
        break;
      }
      case "mark":
        add(seg.mark === EM_OPEN || seg.mark === EM_CLOSE ? "*" : seg.mark === STRONG_OPEN || seg.mark === STRONG_CLOSE ? "**" : "");
        break;
      case "item": {
        const item = items[seg.index];
        if (!item) break;
        if (item.kind === "url") add("<" + item.text + ">");
        else add(codeSpan(item.text));
        plain += item.text;
        break;
      }
    }
  });
  const md = compact(closeBidi(markdown.trim()));
  // What a reader sees outside typeset math, not the plain text (which never holds TeX). Only raw text with a
  // backslash, ^{ or _{ can leave such tokens: the rest is not parsed.
  const rawTexLeft = /\\|\^\{|_\{/.test(raw) ? findRawTex(visibleText(md).outside) : [];
  return {
    markdown: md,
    plain: compact(closeBidi(plain.replace(/\s+/g, " ").trim())),
    stats: { mathSpans: stats.mathSpans, leftAsText: stats.leftAsText, textCommands: tm.count, rawTexLeft },
  };
}

/** URLs (http/https) found in raw text, in order, deduplicated, trailing punctuation trimmed. */
export function extractLinks(raw: string): string[] {
  const seen = new Set<string>();
  for (const m of raw.matchAll(URL_RE)) seen.add(trimUrl(m[0]));
  return [...seen];
}

/** Raw TeX tokens (`^{`, `_{`, `\command`) still visible in a text, for the build report. Apply it to text outside math. */
export function findRawTex(text: string): string[] {
  return [...new Set(text.match(/\^\{|_\{|\\[A-Za-z]+/g) ?? [])];
}

export { visibleText } from "./text/visible.ts";
