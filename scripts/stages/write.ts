// Write stage: papers → Markdown page texts (front matter of facts + abstract body) and the catalogue.json shape.
import type { Paper } from "../types.ts";
import type { State } from "../pipeline.ts";
import { parallelMap } from "../parallel.ts";

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

/** File name → page text for every paper (front matter written in worker threads for large catalogues). */
export async function pages(papers: Paper[]): Promise<Map<string, string>> {
  const byId = new Map(papers.map((p) => [p.id, p]));
  const sorted = [...papers].sort((a, b) => (a.slug < b.slug ? -1 : 1));
  const texts = await parallelMap("pages", sorted.map((p): [string, Record<string, unknown>] => [p.abstract.markdown + "\n", pageData(p, byId) as unknown as Record<string, unknown>]));
  return new Map(sorted.map((p, i) => [`${p.slug}.md`, texts[i]]));
}

/** The machine-readable catalogue (site/catalogue.json), sorted by URL. */
export function catalogue(s: State) {
  return {
    papers: [...s.papers]
      .sort((a, b) => (a.slug < b.slug ? -1 : 1))
      .map((p) => ({
        id: p.slug,
        url: paperUrl(p.slug),
        title: p.title.plain,
        abstract: p.abstract.plain,
        topics: p.topics,
        date: p.date,
        upvotes: p.upvotes,
        authors: p.authors,
        sources: p.sources.map((x) => ({ file: x.file, line: x.line, title: x.title })),
      })),
    rejected: [...s.rejected].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line)),
  };
}
