// Write stage: papers → Markdown page texts (front matter of facts + abstract body) and the catalogue.json shape.
import { hash } from "node:crypto";
import type { Paper } from "../types.ts";
import type { State } from "../pipeline.ts";
import { writeFrontMatter } from "../frontmatter.ts";

/** Front matter of one paper page: facts only (layout and tags come from papers/papers.11tydata). */
export interface PaperPageData {
  permalink: string;
  id: string;
  title: string;
  titleMarkdown: string;
  description: string;
  published: string | null;
  upvotes: number | null;
  authors: number | null;
  authorNames?: string[];
  arxiv?: string;
  topics: string[];
  keywords: string[];
  links: string[];
  related: { url: string; title: string; terms: string[] }[];
  sources: { file: string; line: number; title: string }[];
  hasMath: boolean;
}

export const paperUrl = (slug: string) => `/papers/${slug}/`;

export function pageData(p: Paper, bySlugOrId: Map<string, Paper>): PaperPageData {
  return {
    permalink: paperUrl(p.slug),
    id: p.id,
    title: p.title.plain,
    titleMarkdown: p.title.markdown,
    description: p.abstract.plain,
    published: p.date,
    upvotes: p.upvotes,
    authors: p.authors,
    ...(p.authorNames ? { authorNames: p.authorNames } : {}),
    ...(p.arxiv ? { arxiv: p.arxiv } : {}),
    topics: p.topics,
    keywords: p.keywords,
    links: p.links,
    related: p.related.flatMap((r) => {
      const q = bySlugOrId.get(r.id);
      return q ? [{ url: paperUrl(q.slug), title: q.title.plain, terms: r.terms }] : [];
    }),
    sources: p.sources,
    hasMath: p.title.stats.mathSpans + p.abstract.stats.mathSpans > 0,
  };
}

/** Papers in file-name (and URL) order. */
const bySlug = (papers: Paper[]) => [...papers].sort((a, b) => (a.slug < b.slug ? -1 : 1));

/** One paper page to write: its file name, text (made on demand) and fingerprint. */
export interface PageOutput {
  /** The paper's id. */
  id: string;
  file: string;
  text: () => string;
  /**
   * A hash of what the page is made of, with the title and abstract named by their cache keys (see Paper.textKeys)
   * instead of spelled out: the same fingerprint means the same page text, for the same code (this file and
   * frontmatter.ts are part of the cache's version). A fraction of the text's size, so unchanged pages cost little to
   * recognise. Null when the paper's title or abstract has no key.
   */
  fingerprint: string | null;
}

/**
 * Every paper's page, in file-name order. `known`: fingerprints the caller knows are still right, by paper id (see
 * listsSignature); the others are computed.
 */
export function* pageOutputs(papers: Paper[], known?: Map<string, string>): Generator<PageOutput> {
  const byId = new Map(papers.map((p) => [p.id, p]));
  for (const p of bySlug(papers)) {
    yield { id: p.id, file: `${p.slug}.md`, text: () => writeFrontMatter(p.abstract.markdown + "\n", pageData(p, byId)), fingerprint: known?.get(p.id) ?? fingerprint(p, byId) };
  }
}

/**
 * What of a paper's page the catalogue-wide stages decide: its key terms, and its related papers with their shared
 * terms. A paper whose other facts are those of the last build (taken from its snapshot, with the same overrides) and
 * whose signature is the same has the last build's fingerprint: its related papers are then the same papers, as they
 * were. Strings of page text never hold the separators (control characters are removed from the dumps).
 */
export function listsSignature(p: Paper): string {
  // Hashed: the lists themselves, kept for every paper between builds, came to about 100 MB at 100,000 papers.
  return hash("sha256", p.keywords.join("\u0001") + "\u0002" + p.related.map((r) => `${r.id}\u0003${r.terms.join("\u0001")}`).join("\u0002"), "base64url");
}

/** What pageData reads, with each title and abstract replaced by its key (a related paper's title tagged: it may have none). */
function fingerprint(p: Paper, byId: Map<string, Paper>): string | null {
  const keys = p.textKeys;
  if (!keys?.title || !keys.abstract) return null;
  const related = p.related.map((r) => {
    const q = byId.get(r.id);
    return q ? [q.slug, q.textKeys?.title ? "key" : "text", q.textKeys?.title ?? q.title.plain, r.terms] : null;
  });
  const parts = [p.slug, p.id, keys.title, keys.abstract, p.date, p.upvotes, p.authors, p.authorNames ?? null, p.arxiv ?? null, p.topics, p.keywords, p.links, related, p.sources];
  return hash("sha256", JSON.stringify(parts), "base64url");
}

/** File name → page text for every paper. */
export function pages(papers: Paper[]): Map<string, string> {
  return new Map([...pageOutputs(papers)].map((page) => [page.file, page.text()]));
}

/** The machine-readable catalogue (site/catalogue.json), sorted by URL. */
export function catalogue(s: State) {
  return { papers: bySlug(s.papers).map(catalogueEntry), rejected: catalogueRejected(s) };
}

function catalogueEntry(p: Paper) {
  return {
    id: p.slug,
    url: paperUrl(p.slug),
    title: p.title.plain,
    abstract: p.abstract.plain,
    topics: p.topics,
    date: p.date,
    upvotes: p.upvotes,
    authors: p.authors,
    sources: p.sources.map((x) => ({ file: x.file, line: x.line, title: x.title })),
  };
}

const catalogueRejected = (s: State) => [...s.rejected].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line));

/**
 * The text of catalogue.json (`JSON.stringify(catalogue(s), null, 1)` and a newline) in pieces, a paper at a time: made
 * whole, the text of 100,000 papers (165 MB) and its UTF-8 copy were held at once by the ingest's child process, while
 * Eleventy's runs beside it make the build's peak memory.
 */
export function* catalogueJson(s: State): Generator<string> {
  const indent = (json: string, by: string) => json.replaceAll("\n", `\n${by}`);
  const papers = bySlug(s.papers);
  if (!papers.length) yield '{\n "papers": [],\n';
  else {
    yield '{\n "papers": [\n';
    for (let i = 0; i < papers.length; i++) yield `${i ? ",\n" : ""}  ${indent(JSON.stringify(catalogueEntry(papers[i]), null, 1), "  ")}`;
    yield "\n ],\n";
  }
  yield ` "rejected": ${indent(JSON.stringify(catalogueRejected(s), null, 1), " ")}\n}\n`;
}
