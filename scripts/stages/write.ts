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
  const papers = bySlug(s.papers);
  if (!papers.length) yield '{\n "papers": [],\n';
  else {
    yield PAPERS_OPEN;
    for (let i = 0; i < papers.length; i++) yield `${i ? ",\n" : ""}${entryJson(papers[i])}`;
    yield PAPERS_CLOSE;
  }
  yield rejectedJson(s);
}

const PAPERS_OPEN = '{\n "papers": [\n';
const PAPERS_CLOSE = "\n ],\n";
/** How each paper's entry begins in the text (its slug follows, then a quote): slugs are [a-z0-9-], never escaped. */
const ENTRY_OPEN = '  {\n   "id": "';

const indent = (json: string, by: string) => json.replaceAll("\n", `\n${by}`);
const entryJson = (p: Paper) => `  ${indent(JSON.stringify(catalogueEntry(p), null, 1), "  ")}`;
const rejectedJson = (s: State) => ` "rejected": ${indent(JSON.stringify(catalogueRejected(s), null, 1), " ")}\n}\n`;

/**
 * The same text as catalogueJson, made from the last build's (`last`, the bytes it wrote) when that holds exactly the
 * `carried` papers, in slug order: their entries are copied from it, and only the other papers' are made (at 100,000
 * papers, making every entry cost about 2.5 CPU-seconds of the rebuild, beside Eleventy's runs). The caller vouches that
 * the carried papers' entries are unchanged (the same facts from the last build's snapshot, the same overrides). Null
 * when `last` is not such a text.
 */
export function spliceCatalogueJson(s: State, last: Buffer, carried: Set<string>): (string | Buffer)[] | null {
  const end = last.lastIndexOf(PAPERS_CLOSE + ' "rejected": ');
  if (!last.subarray(0, PAPERS_OPEN.length).equals(Buffer.from(PAPERS_OPEN)) || end < 0) return null;
  // Where each old entry starts, and its slug.
  const starts: number[] = [];
  const slugs: string[] = [];
  const open = Buffer.from(`\n${ENTRY_OPEN}`);
  if (!last.subarray(PAPERS_OPEN.length - 1, PAPERS_OPEN.length - 1 + open.length).equals(open)) return null;
  for (let at = PAPERS_OPEN.length - 1; at >= 0 && at < end; at = last.indexOf(open, at + 1)) {
    const from = at + open.length;
    const quote = last.indexOf(0x22, from);
    if (quote < 0 || quote > end) return null;
    starts.push(at + 1);
    slugs.push(last.toString("latin1", from, quote));
  }
  starts.push(end + 2); // as if another entry followed the last one's ",\n"
  const out: (string | Buffer)[] = [PAPERS_OPEN];
  let k = 0;
  let run = -1; // first old entry of the run of old entries being copied
  const flush = () => {
    if (run < 0) return;
    if (out.length > 1) out.push(",\n");
    out.push(last.subarray(starts[run], starts[k] - 2));
    run = -1;
  };
  for (const p of bySlug(s.papers)) {
    if (carried.has(p.id)) {
      if (slugs[k] !== p.slug) return null;
      if (run < 0) run = k;
      k++;
    } else {
      flush();
      if (out.length > 1) out.push(",\n");
      out.push(entryJson(p));
    }
  }
  flush();
  if (k !== slugs.length || out.length === 1) return null;
  out.push(PAPERS_CLOSE, rejectedJson(s));
  return out;
}
