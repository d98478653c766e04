// Text stage: raw dump text → escaped Markdown (with math spans) and plain Unicode text.
import type { CleanText } from "../types.ts";

const MD_PUNCT = /[!-\/:-@\[-`{-~]/g;

/** Escape every ASCII punctuation character so markdown-it shows the text literally. */
export function escapeMarkdown(text: string): string {
  return text.replace(MD_PUNCT, (c) => "\\" + c);
}

export function cleanText(raw: string): CleanText {
  return { markdown: escapeMarkdown(raw), plain: raw, stats: { mathSpans: 0, leftAsText: 0, textCommands: 0 } };
}

/** URLs (http/https) found in raw text, in order, deduplicated, trailing punctuation trimmed. */
export function extractLinks(raw: string): string[] {
  const out: string[] = [];
  for (const m of raw.matchAll(/https?:\/\/[^\s<>"'`]+/g)) {
    const url = m[0].replace(/[.,;:)\]}]+$/, "");
    if (!out.includes(url)) out.push(url);
  }
  return out;
}

/** Raw TeX tokens (`^{`, `_{`, `\command`) still visible in a page's plain text, for the build report. */
export function findRawTex(plain: string): string[] {
  return [...new Set(plain.match(/\^\{|_\{|\\[A-Za-z]+/g) ?? [])];
}
