// What a reader sees of a cleanText() Markdown string: the text outside math and the math sources.
import type MarkdownIt from "markdown-it";
import { createMarkdown } from "../../eleventy/markdown.ts";

let md: MarkdownIt | null = null;

export interface Visible {
  /** Visible text outside typeset math (links and code included). */
  outside: string;
  /** TeX of each inline math span, in order. */
  math: string[];
}

/** Parse `markdown` with the site's markdown-it instance and split its inline content into prose and math. */
export function visibleText(markdown: string): Visible {
  md ??= createMarkdown();
  let outside = "";
  const math: string[] = [];
  for (const block of md.parse(markdown, {})) {
    if (block.type !== "inline") continue;
    for (const t of block.children ?? []) {
      if (t.type === "math_inline") {
        math.push(t.content);
        outside += " ";
      } else if (t.type === "text" || t.type === "code_inline") outside += t.content;
      else if (t.type === "softbreak" || t.type === "hardbreak") outside += " ";
    }
  }
  return { outside, math };
}
