// Test helper: built HTML parsed with a real HTML parser (htmlparser2), plus the checks the hostile-input tests share.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { parseDocument } from "htmlparser2";

type Doc = ReturnType<typeof parseDocument>;
/** The parts of a domhandler node these helpers use. */
export interface Node {
  type: string;
  name?: string;
  attribs?: Record<string, string>;
  data?: string;
  children?: Node[];
  parent?: Node | null;
}

export function parseHtml(text: string): Node {
  return parseDocument(text, { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true }) as unknown as Doc & Node;
}

export function* elements(n: Node): Generator<Node> {
  for (const c of n.children ?? []) {
    if (c.type === "tag" || c.type === "script" || c.type === "style") {
      yield c;
      yield* elements(c);
    } else if (c.children) yield* elements(c);
  }
}

/** Visible text content (decoded): like the DOM's textContent, without KaTeX's visually hidden MathML copy. */
export function textOf(n: Node): string {
  if (n.type === "text") return n.data ?? "";
  if (n.type === "comment") return "";
  if (hasClass(n, "katex-mathml")) return "";
  return (n.children ?? []).map(textOf).join("");
}

/** Visible text: whitespace runs are one space, as the browser shows it. */
export const squash = (s: string) => s.replace(/\s+/g, " ").trim();

export function hasClass(n: Node, c: string): boolean {
  return (n.attribs?.class ?? "").split(/\s+/).includes(c);
}

export function find(root: Node, pred: (n: Node) => boolean): Node | undefined {
  for (const e of elements(root)) if (pred(e)) return e;
  return undefined;
}

export function insideKatex(n: Node): boolean {
  for (let p = n.parent; p; p = p.parent) if (hasClass(p, "katex")) return true;
  return false;
}

/** Every .html file under `dir`, relative paths, sorted. */
export function htmlFiles(dir: string, rel = ""): string[] {
  const out: string[] = [];
  for (const name of readdirSync(path.join(dir, rel)).sort()) {
    const r = path.join(rel, name);
    if (statSync(path.join(dir, r)).isDirectory()) out.push(...htmlFiles(dir, r));
    else if (name.endsWith(".html")) out.push(r);
  }
  return out;
}

/** Elements our layouts write; anything else in a built page came from input (KaTeX output excepted). */
const OUR_ELEMENTS = new Set(
  "html head meta title link body a header nav form label input button main footer script h1 h2 h3 p span article section time dl dt dd ul ol li em strong code div noscript br small abbr kbd fieldset legend select option details summary pre".split(" "),
);
const URL_ATTRS = ["href", "src", "action", "formaction", "data", "xlink:href", "background", "dynsrc", "lowsrc", "poster", "srcset"];

/**
 * Markup that must never come from input: scripts other than our own classic scripts under the site (`assets/`,
 * `pagefind/`, by site path or relative to the page), links other than http(s), site paths, page-relative paths and
 * fragments, inline event
 * handlers, `javascript:` / `data:` / `vbscript:` URLs, inline styles and elements our layouts never write.
 * Returns one line per problem (empty when the page is clean).
 */
export function unsafeMarkup(doc: Node, base = "/"): string[] {
  const problems: string[] = [];
  for (const e of elements(doc)) {
    const name = e.name ?? "";
    const attrs = e.attribs ?? {};
    const where = `<${name}${Object.entries(attrs).map(([k, v]) => ` ${k}="${v}"`).join("")}>`;
    if (name === "script") {
      const src = attrs.src ?? "";
      const body = (e.children ?? []).map((c) => c.data ?? "").join("");
      if (attrs.type === "application/ld+json" && !src) {
        // A data block, never executed: it must be JSON that cannot close the element (no raw `<`).
        let json = true;
        try {
          JSON.parse(body);
        } catch {
          json = false;
        }
        if (!json || body.includes("<")) problems.push(`JSON-LD block that is not inert JSON ${where}`);
      } else {
        const relative = /^(\.\.?\/)+/.exec(src)?.[0];
        const sitePath = relative ? src.slice(relative.length) : src.startsWith(base) && !src.startsWith("//") ? src.slice(base.length) : null;
        if (attrs.type !== undefined || sitePath === null || !/^(assets|pagefind(-\d+)?)\/[\w.-]+\.js$/.test(sitePath) || body.trim() !== "") problems.push(`foreign or inline script ${where}`);
      }
    }
    if (!OUR_ELEMENTS.has(name) && !insideKatex(e) && !hasClass(e, "katex")) problems.push(`unexpected element ${where}`);
    for (const [k, v] of Object.entries(attrs)) {
      if (k.startsWith("on")) problems.push(`event handler attribute ${k} in ${where}`);
      if (URL_ATTRS.includes(k) && /^\s*(javascript|vbscript|data):/i.test(v.replace(/[\u0000-\u001f]/g, ""))) problems.push(`${k} with a script URL in ${where}`);
      if (k === "style" && !insideKatex(e) && !hasClass(e, "katex")) problems.push(`inline style in ${where}`);
      if (k === "http-equiv" && v.toLowerCase() === "refresh") problems.push(`refresh in ${where}`);
      // Meta tags whose content is a URL (og:url, og:image, citation_pdf_url …): only http(s) or site paths.
      if (name === "meta" && k === "content" && /(url|image)$/i.test(attrs.property ?? attrs.name ?? "") && !/^(https?:\/\/|\/)/.test(v)) problems.push(`meta URL that is not http(s) in ${where}`);
    }
    if (name === "a" && attrs.href && !/^(\/|#|https?:\/\/|\?|(\.\.?\/)+)/.test(attrs.href)) problems.push(`link to a non-http URL ${where}`);
  }
  return problems;
}

export function readHtml(file: string): Node {
  return parseHtml(readFileSync(file, "utf8"));
}
