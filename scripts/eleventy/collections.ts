// Eleventy collections: the papers in reading order, and the chunks that the paginated index templates page over.
import type { Topic } from "../stages/classify.ts";

/** What an index page needs of a paper. */
export interface PaperCard {
  url: string;
  title: string;
  titleMarkdown: string;
  published: string | null;
  topics: string[];
  upvotes: number | null;
  authors: number | null;
  hasMath: boolean;
}

/** One page of an index: a slice of papers with its place among its siblings. */
export interface Chunk {
  /** Page URL, e.g. `/topics/llm/` or `/topics/llm/page/2/`. */
  url: string;
  /** Topic id, year, `yyyy/mm` or `undated`. */
  key: string;
  heading: string;
  description: string;
  papers: PaperCard[];
  total: number;
  pageNumber: number;
  /** 0-based position of the first paper of this page in the whole list. */
  start: number;
  pageUrls: string[];
}

interface Item {
  url: string;
  data: Record<string, unknown> & { taxonomy?: { topics: Topic[] } };
}
interface CollectionApi {
  getFilteredByTag(tag: string): Item[];
}

export const TOPIC_PAGE_SIZE = 50;
export const DATE_PAGE_SIZE = 100;
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/** Newest first; undated papers last; then by title, then URL (code-unit order, so builds are deterministic). */
export function byNewest(a: PaperCard, b: PaperCard): number {
  if (a.published !== b.published) {
    if (a.published === null) return 1;
    if (b.published === null) return -1;
    return a.published < b.published ? 1 : -1;
  }
  const ta = a.title.toLowerCase();
  const tb = b.title.toLowerCase();
  return ta < tb ? -1 : ta > tb ? 1 : a.url < b.url ? -1 : a.url > b.url ? 1 : 0;
}

function card(item: Item): PaperCard {
  const d = item.data;
  return {
    url: item.url,
    title: d.title as string,
    titleMarkdown: d.titleMarkdown as string,
    published: (d.published as string | null) ?? null,
    topics: d.topics as string[],
    upvotes: (d.upvotes as number | null) ?? null,
    authors: (d.authors as number | null) ?? null,
    hasMath: Boolean(d.hasMath),
  };
}

/** Splits a sorted list into pages `base`, `base/page/2/`, … */
export function chunk(base: string, key: string, heading: string, description: string, papers: PaperCard[], size: number): Chunk[] {
  const count = Math.max(1, Math.ceil(papers.length / size));
  const pageUrls = Array.from({ length: count }, (_, i) => (i === 0 ? base : `${base}page/${i + 1}/`));
  return pageUrls.map((url, i) => ({ url, key, heading, description, papers: papers.slice(i * size, (i + 1) * size), total: papers.length, pageNumber: i + 1, start: i * size, pageUrls }));
}

/** What index pages show of a topic. */
export type TopicInfo = Pick<Topic, "id" | "name" | "description">;

export function topicsOf(api: CollectionApi): TopicInfo[] {
  const first = api.getFilteredByTag("paper")[0];
  const topics = first?.data.taxonomy?.topics ?? [];
  return [...topics, { id: "unsorted", name: "Unsorted", description: "Papers no topic rule matched yet: a list for curators to classify." }];
}

export default function collectionsPlugin(eleventyConfig: { addCollection(name: string, fn: (api: CollectionApi) => unknown): void }): void {
  eleventyConfig.addCollection("papers", (api) => api.getFilteredByTag("paper").map(card).sort(byNewest));

  eleventyConfig.addCollection("topicList", (api) => {
    const papers = api.getFilteredByTag("paper").map(card);
    return topicsOf(api)
      .map((t) => ({ ...t, url: `/topics/${t.id}/`, count: papers.filter((p) => p.topics.includes(t.id)).length }))
      .filter((t) => t.count > 0 || t.id !== "unsorted");
  });

  eleventyConfig.addCollection("topicPages", (api) => {
    const papers = api.getFilteredByTag("paper").map(card).sort(byNewest);
    return topicsOf(api).flatMap((t) => {
      const members = papers.filter((p) => p.topics.includes(t.id));
      return members.length || t.id !== "unsorted" ? chunk(`/topics/${t.id}/`, t.id, t.name, t.description, members, TOPIC_PAGE_SIZE) : [];
    });
  });

  eleventyConfig.addCollection("datePages", (api) => {
    const papers = api.getFilteredByTag("paper").map(card).sort(byNewest);
    const groups = new Map<string, { heading: string; papers: PaperCard[] }>();
    const add = (key: string, heading: string, p: PaperCard) => {
      if (!groups.has(key)) groups.set(key, { heading, papers: [] });
      groups.get(key)!.papers.push(p);
    };
    for (const p of papers) {
      if (p.published === null) {
        add("undated", "Undated papers", p);
        continue;
      }
      const [y, m] = p.published.split("-");
      add(y, y, p);
      add(`${y}/${m}`, `${MONTHS[Number(m) - 1]} ${y}`, p);
    }
    if (!groups.has("undated")) groups.set("undated", { heading: "Undated papers", papers: [] });
    return [...groups.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .flatMap(([key, g]) => chunk(`/dates/${key}/`, key, g.heading, "", g.papers, DATE_PAGE_SIZE));
  });

  eleventyConfig.addCollection("years", (api) => {
    const counts = new Map<string, { count: number; months: Map<string, number> }>();
    let undated = 0;
    for (const p of api.getFilteredByTag("paper").map(card)) {
      if (!p.published) {
        undated++;
        continue;
      }
      const [y, m] = p.published.split("-");
      const entry = counts.get(y) ?? { count: 0, months: new Map() };
      entry.count++;
      entry.months.set(m, (entry.months.get(m) ?? 0) + 1);
      counts.set(y, entry);
    }
    const years = [...counts.entries()]
      .sort(([a], [b]) => (a < b ? 1 : -1))
      .map(([year, e]) => ({
        year,
        url: `/dates/${year}/`,
        count: e.count,
        months: [...e.months.entries()].sort(([a], [b]) => (a < b ? 1 : -1)).map(([m, count]) => ({ name: MONTHS[Number(m) - 1], url: `/dates/${year}/${m}/`, count })),
      }));
    return { years, undated };
  });
}
