// Base layout: document head (CSP, meta, styles), header with site search, main content, footer.
import { html, trusted } from "../scripts/eleventy/html.ts";
import { headMeta, type BuildSettings } from "../scripts/eleventy/publish.ts";
import type { Chunk } from "../scripts/eleventy/indexes.ts";
import type { PaperPageData } from "../scripts/stages/write.ts";
import { closeBidi } from "../scripts/stages/text/bidi.ts";
import { SITE_NAME } from "./partials.ts";

/** Only the site's own scripts, styles and fonts; inline styles for KaTeX; WebAssembly and a blob worker for Pagefind. */
export const CSP =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'self'; form-action 'self'";

interface BaseData {
  content: string;
  title?: string;
  description?: string;
  hasMath?: boolean;
  section?: string;
  page: { url: string };
  scripts?: string[];
  build: BuildSettings;
  /** Paper pages: the paper (for citation tags and JSON-LD). */
  paper?: { data: PaperPageData };
  /** Topic and date listings: the page's chunk (for the topic's feed). */
  chunk?: Chunk;
  /** Pages search engines should not index (404). */
  noindex?: boolean;
}

/** At most `max` characters, cut at a word boundary with an ellipsis (bidi controls the cut leaves open closed again). */
function clip(s: string, max: number): string {
  // Text whose only whitespace is single spaces (most descriptions) needs no replacing, and testing is cheaper.
  const t = (/\s\s|[^\S ]/.test(s) ? s.replace(/\s+/g, " ") : s).trim();
  if (t.length <= max) return t;
  const cut = t.slice(0, max - 1);
  return closeBidi(`${cut.slice(0, cut.lastIndexOf(" ") > max / 2 ? cut.lastIndexOf(" ") : cut.length).replace(/[\s,;:.]+$/, "")}…`);
}

/**
 * Site paths in `href`, `src` and `action` attributes made relative to the page (`/assets/site.css` on `/topics/x/` →
 * `../../assets/site.css`), so one output works at the root, under any base path and opened from disk. A page at a
 * file name (`/404.html`, served for any missing path) keeps site paths, which the base plugin prefixes, and so do
 * feed links (`<link rel="alternate">`, for feed readers, not read from disk). Text from a dump never matches: the
 * escaping template writes `<` and quotes as `&lt;` and `&quot;`.
 */
export function relativeLinks(text: string, pageUrl: string): string {
  if (!pageUrl.endsWith("/")) return text;
  const depth = pageUrl.split("/").length - 2;
  return text.replace(/(<(?!link rel="alternate")[a-z]+\s[^<>]*?(?:href|src|action)=")\/(?!\/)/g, `$1${depth ? "../".repeat(depth) : "./"}`);
}

export function render(page: BaseData): string {
  // Paper pages carry their facts in `paper.data` (content/papers/papers.11ty.ts sets no computed data).
  const p = page.paper?.data;
  // Named fields only: Eleventy's data object is a proxy, and copying all of it costs per page.
  const data: BaseData = {
    content: page.content,
    title: p ? p.title : page.title,
    description: p ? p.description : page.description,
    hasMath: p ? p.hasMath : page.hasMath,
    section: page.section,
    page: page.page,
    scripts: page.scripts,
    build: page.build,
    paper: page.paper,
    chunk: page.chunk,
    noindex: page.noindex,
  };
  const title = data.title && data.title !== SITE_NAME ? `${data.title} · ${SITE_NAME}` : SITE_NAME;
  const description = clip(data.description ?? "A catalogue of research papers from Hugging Face Daily Papers, searchable offline.", 300);
  const nav = (href: string, label: string, section: string) =>
    html`<a href="${href}"${data.section === section || data.page.url === href ? trusted(' aria-current="page"') : ""}>${label}</a>`;
  return relativeLinks(html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<title>${title}</title>
<meta name="description" content="${description}">
${headMeta({ ...data, description })}
<link rel="icon" href="/assets/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/assets/site.css">
${data.hasMath ? html`<link rel="stylesheet" href="/assets/katex/katex.min.css">` : ""}
</head>
<body>
<a class="skip-link" href="#main">Skip to content</a>
<header class="site-header">
<a class="brand" href="/">${SITE_NAME}</a>
<nav aria-label="Sections">${nav("/topics/", "Topics", "topics")} ${nav("/dates/", "Dates", "dates")} ${nav("/search/", "Search", "search")}</nav>
<form class="site-search" role="search" aria-label="Site search" action="/search/" method="get">
<label for="site-search-q" class="visually-hidden">Search papers</label>
<input id="site-search-q" name="q" type="search" placeholder="Search papers (press /)" autocomplete="off">
<button type="submit">Search</button>
</form>
</header>
<main id="main" tabindex="-1">
${trusted(data.content)}
</main>
<footer class="site-footer"><p>Built from Hugging Face Daily Papers text dumps. <a href="/catalogue.json">catalogue.json</a></p></footer>
<script src="/assets/site.js"></script>
${(data.scripts ?? []).map((s) => html`<script src="${s}"></script>`)}
</body>
</html>
`.html, data.page.url);
}
