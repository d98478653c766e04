// Front matter of paper pages: written as JSON (which is YAML, so any YAML reader reads it) and read back through
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

/** Where `writeFrontMatter`'s JSON ends: its closing brace is the only line that starts with one. */
const JSON_END = "\n}\n---\n";

export function readFrontMatter(text: string): { data: Record<string, unknown>; content: string } {
  // Pages this project wrote: JSON.parse reads them as YAML would, without gray-matter's and js-yaml's cost (the index
  // pages read every page). Anything else, or JSON that does not parse, goes through gray-matter.
  if (text.startsWith("---\n{\n")) {
    const end = text.indexOf(JSON_END);
    if (end !== -1) {
      try {
        return { data: JSON.parse(text.slice(4, end + 2)) as Record<string, unknown>, content: text.slice(end + JSON_END.length) };
      } catch {
        // A YAML flow mapping that is not JSON.
      }
    }
  }
  const { data, content } = matter(text, { engines: frontMatterEngines as never });
  return { data, content };
}

/**
 * Characters that YAML does not allow unescaped (js-yaml rejects them as "non-printable") or that YAML 1.1 reads as line
 * breaks; JSON.stringify leaves them as they are, and a `\u` escape means the same character to both.
 */
const YAML_UNSAFE = /[\u007f-\u009f\u2028\u2029\ufffe\uffff]/g;

/** A page: JSON front matter (YAML's JSON-compatible style: ~20× faster to write than block YAML) and the body. */
export function writeFrontMatter(body: string, data: object): string {
  const json = JSON.stringify(data, null, 1).replace(YAML_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  return `---\n${json}\n---\n${body.endsWith("\n") ? body : body + "\n"}`;
}
