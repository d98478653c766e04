// gray-matter set up for files we did not necessarily write: YAML only (js-yaml 4, safe schema), never `---js`.
import matter from "gray-matter";
import yaml from "js-yaml";

function refuse(lang: string) {
  return () => {
    throw new Error(`front matter in ${lang} is not allowed: only YAML is read`);
  };
}

/** Engines for gray-matter: YAML round-trips any string exactly; JavaScript/CoffeeScript front matter is refused, never evaluated. */
export const frontMatterEngines = {
  yaml: {
    parse: (s: string) => yaml.load(s) as object,
    stringify: (d: object) => yaml.dump(d, { lineWidth: -1, noRefs: true, sortKeys: false }),
  },
  js: { parse: refuse("js"), stringify: refuse("js") },
  javascript: { parse: refuse("javascript"), stringify: refuse("javascript") },
  coffee: { parse: refuse("coffee"), stringify: refuse("coffee") },
  coffeescript: { parse: refuse("coffeescript"), stringify: refuse("coffeescript") },
  // Eleventy registers these two next to gray-matter's defaults: `jsLegacy` is gray-matter's eval() engine, reachable as `---jsLegacy`.
  jsLegacy: { parse: refuse("jsLegacy"), stringify: refuse("jsLegacy") },
  node: { parse: refuse("node"), stringify: refuse("node") },
};

export function readFrontMatter(text: string): { data: Record<string, unknown>; content: string } {
  const { data, content } = matter(text, { engines: frontMatterEngines as never });
  return { data, content };
}

export function writeFrontMatter(body: string, data: Record<string, unknown>): string {
  return matter.stringify(body, data, { engines: frontMatterEngines as never });
}
