// The one markdown-it instance: raw HTML off, no linkify/typographer, KaTeX for `$…$` math at build time.
import MarkdownIt, { type PluginWithOptions } from "markdown-it";
import katex from "katex";
import katexPluginModule from "@vscode/markdown-it-katex";
import { katexOptions } from "../katex-options.ts";

// The plugin is CommonJS with `exports.default`.
const katexPlugin = ((katexPluginModule as unknown as { default?: unknown }).default ?? katexPluginModule) as PluginWithOptions;

export function createMarkdown(): MarkdownIt {
  const md = new MarkdownIt({ html: false, linkify: false, typographer: false });
  md.use(katexPlugin, { katex, ...katexOptions, enableMathBlockInHtml: false, enableMathInlineInHtml: false });
  return md;
}

/** Shared instance for Eleventy and the layouts. */
export const markdown = createMarkdown();

/** Eleventy plugin: use our instance for `.md` pages. */
export default function markdownPlugin(eleventyConfig: { setLibrary(ext: string, lib: unknown): void }): void {
  eleventyConfig.setLibrary("md", markdown);
}
