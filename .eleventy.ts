// Eleventy configuration: a table of contents; each concern lives in its own plugin under scripts/eleventy/.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { HtmlBasePlugin } from "@11ty/eleventy";
import markdownPlugin from "./scripts/eleventy/markdown.ts";
import dataPlugin from "./scripts/eleventy/data.ts";
import sitePlugin from "./scripts/eleventy/site.ts";
import publishPlugin from "./scripts/eleventy/publish.ts";

const root = path.dirname(fileURLToPath(import.meta.url));

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export default function (eleventyConfig: any): void {
  // Input and output folders come from the caller (scripts/render-worker.ts, scripts/start.ts); layouts/ is found from any input.
  eleventyConfig.setIncludesDirectory(path.relative(eleventyConfig.directories.input, path.join(root, "layouts")));
  eleventyConfig.addPlugin(sitePlugin);
  eleventyConfig.addPlugin(markdownPlugin);
  eleventyConfig.addPlugin(dataPlugin);
  eleventyConfig.addPlugin(publishPlugin);
  eleventyConfig.addPlugin(HtmlBasePlugin);
}

export const config = {
  templateFormats: ["md", "11ty.ts"],
  markdownTemplateEngine: false,
  htmlTemplateEngine: false,
};
