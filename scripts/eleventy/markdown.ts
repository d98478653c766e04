// The one markdown-it instance: raw HTML off, no linkify/typographer, KaTeX for `$…$` math at build time.
import MarkdownIt, { type PluginWithOptions } from "markdown-it";
import katex from "katex";
import katexPluginModule from "@vscode/markdown-it-katex";
import { katexOptions } from "../katex-options.ts";
import { repairMathml } from "./mathml.ts";

// The plugin is CommonJS with `exports.default`.
const katexPlugin = ((katexPluginModule as unknown as { default?: unknown }).default ?? katexPluginModule) as PluginWithOptions;

/** Spans typeset per run before the memo starts afresh (bounds its memory). */
const MEMO_SIZE = 50000;

/**
 * KaTeX with its MathML repaired (mathml.ts) and its output remembered per span: typesetting is most
 * of a page's Markdown cost, and the same spans (`O(n)`, `\epsilon`, …) recur across abstracts. The plugin passes the
 * same options on every call but for displayMode, and renderToString depends only on the TeX and the options (no
 * macros persist between calls: no `macros` object is shared), so a remembered result is exactly what a new call
 * would return.
 */
function memoKatex(): typeof katex {
  const memo = new Map<string, string>();
  const renderToString: typeof katex.renderToString = (tex, options) => {
    const key = `${options?.displayMode ? "D" : "I"}${tex}`;
    let out = memo.get(key);
    if (out === undefined) {
      out = repairMathml(katex.renderToString(tex, options));
      if (memo.size >= MEMO_SIZE) memo.clear();
      memo.set(key, out);
    }
    return out;
  };
  return { ...katex, renderToString };
}

export function createMarkdown(): MarkdownIt {
  const md = new MarkdownIt({ html: false, linkify: false, typographer: false });
  md.use(katexPlugin, { katex: memoKatex(), ...katexOptions, enableMathBlockInHtml: false, enableMathInlineInHtml: false });
  return md;
}

/** Shared instance for Eleventy and the layouts. */
export const markdown = createMarkdown();

/** Eleventy plugin: use our instance for `.md` pages. */
export default function markdownPlugin(eleventyConfig: { setLibrary(ext: string, lib: unknown): void }): void {
  eleventyConfig.setLibrary("md", markdown);
}
