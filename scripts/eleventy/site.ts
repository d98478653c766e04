// Eleventy plumbing: TypeScript templates, input rules, safe front matter and static assets.
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { frontMatterEngines } from "../frontmatter.ts";
import { copiesAssets } from "./data.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export default function sitePlugin(eleventyConfig: any): void {
  // Layouts and content templates are TypeScript, run through tsx.
  eleventyConfig.addExtension(["11ty.ts"], { key: "11ty.js" });
  eleventyConfig.addDataExtension("ts", { read: false, parser: async (p: string) => (await import(pathToFileURL(path.resolve(p)).href)).default });
  // Generated pages are git-ignored but are read; the dumps are not pages.
  eleventyConfig.setUseGitIgnore(false);
  eleventyConfig.ignores.add(path.join(eleventyConfig.directories.input, "dumps/**"));
  eleventyConfig.setFrontMatterParsingOptions({ engines: frontMatterEngines });
  eleventyConfig.setQuietMode(true);

  if (!copiesAssets()) return;
  eleventyConfig.addPassthroughCopy({ [path.join(root, "layouts/assets")]: "assets" });
  eleventyConfig.addPassthroughCopy({ [path.join(root, "node_modules/katex/dist/katex.min.css")]: "assets/katex/katex.min.css" });
  eleventyConfig.addPassthroughCopy({ [path.join(root, "node_modules/katex/dist/fonts")]: "assets/katex/fonts" });
}
