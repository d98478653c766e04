// Publishing: absolute URLs from --url and --base, the head metadata of every page (canonical, Open Graph, feeds,
// Google Scholar / Highwire citation tags, schema.org JSON-LD), and the Atom / JSON feeds and sitemap of the catalogue.
//
// Without --url nothing here invents a host: canonical links, og:url, citation_abstract_html_url and the sitemap are
// left out (they must be absolute), and feeds link entries with root-relative URLs that carry the base path.
import path from "node:path";
import { createHash } from "node:crypto";
import { dateToRfc3339 } from "@11ty/eleventy-plugin-rss";
import { readPages } from "../io.ts";
import type { PaperPageData } from "../stages/write.ts";
import type { Taxonomy } from "../stages/classify.ts";
import { html, trusted, type SafeHtml } from "./html.ts";
import { publishes, readJob } from "./data.ts";
import type { Chunk, PaperCard } from "./indexes.ts";

export { FEED_SIZE, newest, newestByTopic } from "./indexes.ts";

export interface BuildSettings {
  base: string;
  url: string | null;
  /** Site paths of the search bundles (scripts/search-index.ts); the search page merges them. */
  searchBundles?: string[];
  /** Site path of the whole site as one zip (build --archive), or null. */
  archive?: string | null;
}

export const SITE_NAME = "Paper Catalogue";
/** URLs per sitemap file (the protocol allows 50,000). */
export const SITEMAP_SIZE = 40000;
/** `updated` of a feed with no dated paper at all: a fixed date, never the build time. */
const EPOCH = "1970-01-01";

/**
 * The origin of --url (`https://example.org`). The path comes from --base: a --url with a path must equal the base
 * (`--url https://example.org/catalogue/ --base /catalogue/`), since links inside pages are prefixed by --base only.
 */
export function siteOrigin(b: BuildSettings): string | null {
  if (!b.url) return null;
  let u: URL;
  try {
    u = new URL(b.url);
  } catch {
    throw new Error(`--url ${JSON.stringify(b.url)}: use an absolute http(s) URL such as https://example.org`);
  }
  if (u.protocol !== "https:" && u.protocol !== "http:") throw new Error(`--url ${JSON.stringify(b.url)}: use an http(s) URL`);
  const p = u.pathname.endsWith("/") ? u.pathname : `${u.pathname}/`;
  if (p !== "/" && p !== b.base) throw new Error(`--url ${JSON.stringify(b.url)}: its path must be the --base (${b.base}); pass --url ${u.origin} --base ${p}`);
  return u.origin;
}

/** A site path with the base path: `/papers/x/` → `/catalogue/papers/x/`. */
export function withBase(b: BuildSettings, sitePath: string): string {
  return b.base + sitePath.replace(/^\//, "");
}

/** The absolute URL of a site path, or null without --url. */
export function absoluteUrl(b: BuildSettings, sitePath: string): string | null {
  const origin = siteOrigin(b);
  return origin ? origin + withBase(b, sitePath) : null;
}

/** A link for a non-HTML file (feeds): absolute with --url, else root-relative with the base path. */
export function linkTo(b: BuildSettings, sitePath: string): string {
  return absoluteUrl(b, sitePath) ?? withBase(b, sitePath);
}

/** A stable URN for a feed or entry id: the same wherever the site is hosted (Atom ids must not change when a site moves). */
export function urn(key: string): string {
  const h = createHash("sha1").update(`paper-catalogue:${key}`).digest("hex");
  return `urn:uuid:${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16], 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** `yyyy-mm-dd` → RFC 3339 at midnight UTC (the paper's date: deterministic, never the build time). */
export function rfc3339(day: string): string {
  return dateToRfc3339(new Date(`${day}T00:00:00Z`));
}

/**
 * An XML document from `html`-escaped text: characters XML 1.0 cannot hold (control characters, lone surrogates,
 * U+FFFE/U+FFFF) removed, and the escaper's `&#39;` spelled as XML's own `&apos;` (every `&#39;` here is one).
 */
export function xmlSafe(s: string): string {
  return s.replace(/&#39;/g, "&apos;").replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "");
}

/** JSON for a `<script type="application/ld+json">`: `<`, `>`, `&` and line separators escaped so no text can end the element. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

// ---------------------------------------------------------------- head metadata

interface HeadData {
  build: BuildSettings;
  page: { url: string };
  /** Plain title of the page (not the document title with the site name). */
  title?: string;
  description: string;
  section?: string;
  chunk?: Chunk;
  paper?: { data: PaperPageData };
  noindex?: boolean;
}

export interface FeedLink {
  href: string;
  title: string;
  type: "application/atom+xml" | "application/feed+json";
}

/** The feeds a page offers: the whole catalogue's, and on a topic's pages that topic's. */
export function feedLinks(d: Pick<HeadData, "section" | "chunk">): FeedLink[] {
  const links: FeedLink[] = [
    { href: "/feed.xml", title: `${SITE_NAME}: newest papers (Atom)`, type: "application/atom+xml" },
    { href: "/feed.json", title: `${SITE_NAME}: newest papers (JSON Feed)`, type: "application/feed+json" },
  ];
  if (d.section === "topics" && d.chunk) {
    links.push({ href: `/topics/${d.chunk.key}/feed.xml`, title: `${SITE_NAME}: ${d.chunk.heading} (Atom)`, type: "application/atom+xml" });
    links.push({ href: `/topics/${d.chunk.key}/feed.json`, title: `${SITE_NAME}: ${d.chunk.heading} (JSON Feed)`, type: "application/feed+json" });
  }
  return links;
}

/** Everything in `<head>` after the title and description: robots, canonical, feeds, Open Graph, citation tags, JSON-LD. */
export function headMeta(d: HeadData): SafeHtml {
  const canonical = d.noindex ? null : absoluteUrl(d.build, d.page.url);
  const paper = d.paper?.data;
  const title = d.title ?? SITE_NAME;
  return html`${d.noindex ? html`<meta name="robots" content="noindex">\n` : ""}${canonical ? html`<link rel="canonical" href="${canonical}">\n` : ""}${feedLinks(d).map(
    (f) => html`<link rel="alternate" type="${f.type}" title="${f.title}" href="${f.href}">\n`,
  )}<meta property="og:site_name" content="${SITE_NAME}">
<meta property="og:type" content="${paper ? "article" : "website"}">
<meta property="og:title" content="${title}">
<meta property="og:description" content="${d.description}">
${canonical ? html`<meta property="og:url" content="${canonical}">\n` : ""}${paper?.published ? html`<meta property="article:published_time" content="${paper.published}">\n` : ""}<meta name="twitter:card" content="summary">
${paper ? paperMeta(d.build, paper, canonical) : ""}`;
}

/** Google Scholar / Highwire Press tags and schema.org ScholarlyArticle JSON-LD for a paper page. */
export function paperMeta(b: BuildSettings, p: PaperPageData, canonical: string | null): SafeHtml {
  const authors = (p.authorNames ?? []).filter((a) => a.trim());
  const ld = {
    "@context": "https://schema.org",
    "@type": "ScholarlyArticle",
    ...(canonical ? { "@id": canonical, url: canonical } : {}),
    headline: p.title,
    name: p.title,
    abstract: p.description,
    ...(p.published ? { datePublished: p.published } : {}),
    ...(authors.length ? { author: authors.map((name) => ({ "@type": "Person", name })) } : {}),
    ...(p.keywords.length ? { keywords: p.keywords.join(", ") } : {}),
    ...(p.arxiv ? { sameAs: `https://arxiv.org/abs/${p.arxiv}`, identifier: { "@type": "PropertyValue", propertyID: "arXiv", value: p.arxiv } } : {}),
    inLanguage: "en",
    isPartOf: { "@type": "WebSite", name: SITE_NAME, ...(canonical ? { url: absoluteUrl(b, "/") } : {}) },
  };
  return html`<meta name="citation_title" content="${p.title}">
${authors.map((a) => html`<meta name="citation_author" content="${a}">\n`)}${p.published ? html`<meta name="citation_publication_date" content="${p.published.replace(/-/g, "/")}">\n` : ""}${
    canonical ? html`<meta name="citation_abstract_html_url" content="${canonical}">\n` : ""
  }${p.arxiv ? html`<meta name="citation_arxiv_id" content="${p.arxiv}">\n` : ""}${p.keywords.length ? html`<meta name="citation_keywords" content="${p.keywords.join("; ")}">\n` : ""}<meta name="citation_language" content="en">
<script type="application/ld+json">${trusted(jsonForScript(ld))}</script>`;
}

// ---------------------------------------------------------------- feeds

/** What a feed entry shows beyond the card: the abstract and key terms, read from the paper's page (only for feed entries). */
export interface FeedEntry extends PaperCard {
  description: string;
}

const details = new Map<string, PaperPageData>();

/** Feed entries with their abstracts: from the cards (indexes.ts feedAbstracts), else from the papers' pages, read once per run. */
export function withDetails(papers: PaperCard[]): FeedEntry[] {
  const job = readJob();
  const slug = (p: PaperCard) => p.url.replace(/^\/papers\//, "").replace(/\/$/, "");
  const missing = papers.filter((p) => p.description === undefined && !details.has(p.url)).map((p) => `${slug(p)}.md`);
  if (missing.length) for (const page of readPages<PaperPageData>(job.papersDir, missing)) details.set(page.data.permalink, page.data);
  return papers.map((p) => ({ ...p, description: p.description ?? details.get(p.url)?.description ?? "" }));
}

export interface Feed {
  /** Site path of the Atom feed, e.g. `/topics/llm/feed.xml`; the JSON Feed is beside it. */
  path: string;
  /** Site path of the HTML page the feed follows. */
  home: string;
  title: string;
  subtitle: string;
  papers: PaperCard[];
  /** `yyyy-mm-dd` for `updated` when the feed has no dated paper (the catalogue's newest date). */
  fallbackDate: string | null;
}


function updatedOf(f: Feed): string {
  return f.papers[0]?.published ?? f.fallbackDate ?? EPOCH;
}

/** An Atom 1.0 document (RFC 4287): ids are URNs that survive a move of the site, dates come from the papers. */
export function atomFeed(b: BuildSettings, f: Feed, taxonomy: Taxonomy): string {
  const entries = withDetails(f.papers);
  const topicName = (id: string) => taxonomy.topics.find((t) => t.id === id)?.name ?? (id === "unsorted" ? "Unsorted" : id);
  const out = html`<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
<title type="text">${f.title}</title>
<subtitle type="text">${f.subtitle}</subtitle>
<id>${urn(`feed:${f.path}`)}</id>
<updated>${rfc3339(updatedOf(f))}</updated>
<link rel="self" type="application/atom+xml" href="${linkTo(b, f.path)}"/>
<link rel="alternate" type="text/html" href="${linkTo(b, f.home)}"/>
<author><name>${SITE_NAME}</name></author>
<generator>${SITE_NAME}</generator>
${entries.map(
    (e) => html`<entry>
<title type="text">${e.title}</title>
<id>${urn(`paper:${e.url}`)}</id>
<link rel="alternate" type="text/html" href="${linkTo(b, e.url)}"/>
<published>${rfc3339(e.published!)}</published>
<updated>${rfc3339(e.published!)}</updated>
${(e.authorNames ?? []).filter((a) => a.trim()).map((a) => html`<author><name>${a}</name></author>\n`)}${e.topics.map((t) => html`<category term="${t}" label="${topicName(t)}"/>\n`)}${
      e.arxiv ? html`<link rel="related" type="text/html" href="https://arxiv.org/abs/${e.arxiv}"/>\n` : ""
    }<content type="text">${e.description}</content>
</entry>
`,
  )}</feed>
`;
  return xmlSafe(out.html);
}

/** The same entries as a JSON Feed 1.1 document. */
export function jsonFeed(b: BuildSettings, f: Feed, taxonomy: Taxonomy): string {
  const topicName = (id: string) => taxonomy.topics.find((t) => t.id === id)?.name ?? (id === "unsorted" ? "Unsorted" : id);
  const home = absoluteUrl(b, f.home);
  const self = absoluteUrl(b, f.path.replace(/\.xml$/, ".json"));
  const doc = {
    version: "https://jsonfeed.org/version/1.1",
    title: f.title,
    description: f.subtitle,
    ...(home ? { home_page_url: home } : {}),
    ...(self ? { feed_url: self } : {}),
    language: "en",
    authors: [{ name: SITE_NAME }],
    items: withDetails(f.papers).map((e) => ({
      id: urn(`paper:${e.url}`),
      url: linkTo(b, e.url),
      ...(e.arxiv ? { external_url: `https://arxiv.org/abs/${e.arxiv}` } : {}),
      title: e.title,
      content_text: e.description,
      date_published: rfc3339(e.published!),
      ...(e.authorNames?.length ? { authors: e.authorNames.map((name) => ({ name })) } : {}),
      tags: e.topics.map(topicName),
    })),
  };
  return `${JSON.stringify(doc, null, 1)}\n`;
}

// ---------------------------------------------------------------- sitemap and robots.txt

/** Site paths of every page but the papers', for the first sitemap file. */
export function indexPaths(catalogue: { topicPages: Chunk[]; datePages: Chunk[] }): string[] {
  return ["/", "/topics/", "/dates/", "/search/", ...catalogue.topicPages.map((c) => c.url), ...catalogue.datePages.map((c) => c.url)];
}

export function sitemap(b: BuildSettings, paths: string[]): string {
  return xmlSafe(
    html`<?xml version="1.0" encoding="utf-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
${paths.map((p) => html`<url><loc>${absoluteUrl(b, p)}</loc></url>\n`)}</urlset>
`.html,
  );
}

export function sitemapIndex(b: BuildSettings, files: string[]): string {
  return html`<?xml version="1.0" encoding="utf-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
${files.map((f) => html`<sitemap><loc>${absoluteUrl(b, f)}</loc></sitemap>\n`)}</sitemapindex>
`.html;
}

/** Site path of the n-th (1-based) sitemap file. */
export const sitemapFile = (n: number) => `/sitemaps/${n}.xml`;

// ---------------------------------------------------------------- plugin

/** Content templates of this plugin: index data only, so paper-only runs skip them. */
export const PUBLISH_TEMPLATES = "publish/**";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export default function publishPlugin(eleventyConfig: any): void {
  const job = readJob();
  siteOrigin(job.build); // a bad --url fails the run at once, with the reason
  if (!publishes()) eleventyConfig.ignores.add(path.join(eleventyConfig.directories.input, PUBLISH_TEMPLATES));
}
