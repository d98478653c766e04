// Index data: the papers in reading order, topic and date groups, and the chunks the paginated index templates page over.
import type { Topic } from "../stages/classify.ts";
import type { PaperPageData } from "../stages/write.ts";

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
  /** For citations (catalogue.bib) and feeds; absent when unknown. */
  authorNames?: string[];
  arxiv?: string;
  /** The abstract, on the cards of papers a feed lists (see feedAbstracts); elsewhere absent, and read from the page when needed. */
  description?: string;
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

/** What index pages show of a topic. */
export type TopicInfo = Pick<Topic, "id" | "name" | "description">;

export const TOPIC_PAGE_SIZE = 50;
export const DATE_PAGE_SIZE = 100;
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/** What index pages keep of a paper page's front matter. */
export function card(d: PaperPageData): PaperCard {
  return {
    url: d.permalink,
    title: d.title,
    titleMarkdown: d.titleMarkdown,
    published: d.published,
    topics: d.topics,
    upvotes: d.upvotes,
    authors: d.authors,
    hasMath: d.hasMath,
    ...(d.authorNames?.length ? { authorNames: d.authorNames } : {}),
    ...(d.arxiv ? { arxiv: d.arxiv } : {}),
  };
}

/** Newest dated papers per feed. */
export const FEED_SIZE = 30;

/** The newest dated papers of a list sorted newest first. */
export function newest(papers: PaperCard[]): PaperCard[] {
  return papers.filter((p) => p.published !== null).slice(0, FEED_SIZE);
}

/**
 * Each topic's newest dated papers (what `newest` keeps of the topic's papers), in one pass over papers sorted newest
 * first: a filter of every paper per topic costs seconds at 100,000 papers, as Eleventy hands the data over through proxies.
 */
export function newestByTopic(papers: PaperCard[]): Map<string, PaperCard[]> {
  const lists = new Map<string, PaperCard[]>();
  for (const p of papers) {
    if (p.published === null) break; // undated papers come last
    for (const t of p.topics) {
      let list = lists.get(t);
      if (list === undefined) lists.set(t, (list = []));
      if (list.length < FEED_SIZE && list[list.length - 1] !== p) list.push(p);
    }
  }
  return lists;
}

/**
 * The abstracts of the papers some feed lists, by URL, from pages that include every dated paper's (feeds list only
 * those): feeds show them (publish.ts withDetails), and with them beside the cards (cards-file.ts) the index runs read no
 * paper page, and can render before the pages are written. Only dated papers are sorted: this runs in the ingest, which
 * a rebuild waits for, and sorting every card there took about a second at 100,000 papers.
 */
export function feedAbstracts(pages: PaperPageData[]): Record<string, string> {
  const dated = sortNewest(pages.filter((p) => p.published !== null).map(card));
  const inFeeds = new Set([...newest(dated), ...[...newestByTopic(dated).values()].flat()].map((c) => c.url));
  const abstracts: Record<string, string> = {};
  for (const p of pages) if (inFeeds.has(p.permalink)) abstracts[p.permalink] = p.description;
  return abstracts;
}

/** Splits a sorted list into pages `base`, `base/page/2/`, … */
export function chunk(base: string, key: string, heading: string, description: string, papers: PaperCard[], size: number): Chunk[] {
  const count = Math.max(1, Math.ceil(papers.length / size));
  const pageUrls = Array.from({ length: count }, (_, i) => (i === 0 ? base : `${base}page/${i + 1}/`));
  return pageUrls.map((url, i) => ({ url, key, heading, description, papers: papers.slice(i * size, (i + 1) * size), total: papers.length, pageNumber: i + 1, start: i * size, pageUrls }));
}

/** Everything the index pages show, computed once from all papers' cards. */
export interface CatalogueIndex {
  papers: PaperCard[];
  topicList: (TopicInfo & { url: string; count: number })[];
  topicPages: Chunk[];
  datePages: Chunk[];
  years: { years: { year: string; url: string; count: number; months: { name: string; url: string; count: number }[] }[]; undated: number };
}

const UNSORTED: TopicInfo = { id: "unsorted", name: "Unsorted", description: "Papers no topic rule matched yet: a list for curators to classify." };

/**
 * Newest first; undated papers last; then by title, then URL (code-unit order, so builds are deterministic). Each
 * lowercased title is computed once, not in every comparison.
 */
function sortNewest(cards: PaperCard[]): PaperCard[] {
  const keyed = cards.map((p) => ({ p, title: p.title.toLowerCase() }));
  keyed.sort((a, b) => {
    const x = a.p;
    const y = b.p;
    if (x.published !== y.published) {
      if (x.published === null) return 1;
      if (y.published === null) return -1;
      return x.published < y.published ? 1 : -1;
    }
    return a.title < b.title ? -1 : a.title > b.title ? 1 : x.url < y.url ? -1 : x.url > y.url ? 1 : 0;
  });
  return keyed.map((k) => k.p);
}

export function catalogueIndex(cards: PaperCard[], taxonomy: TopicInfo[]): CatalogueIndex {
  const papers = sortNewest(cards);
  const members = new Map<string, PaperCard[]>();
  for (const p of papers) {
    for (const t of p.topics) {
      if (!members.has(t)) members.set(t, []);
      members.get(t)!.push(p);
    }
  }
  const topics = [...taxonomy, UNSORTED].filter((t) => t.id !== "unsorted" || members.has("unsorted"));
  const topicList = topics.map((t) => ({ ...t, url: `/topics/${t.id}/`, count: members.get(t.id)?.length ?? 0 }));
  const topicPages = topics.flatMap((t) => chunk(`/topics/${t.id}/`, t.id, t.name, t.description, members.get(t.id) ?? [], TOPIC_PAGE_SIZE));

  const groups = new Map<string, { heading: string; papers: PaperCard[] }>([["undated", { heading: "Undated papers", papers: [] }]]);
  const add = (key: string, heading: string, p: PaperCard) => {
    if (!groups.has(key)) groups.set(key, { heading, papers: [] });
    groups.get(key)!.papers.push(p);
  };
  const years = new Map<string, { count: number; months: Map<string, number> }>();
  for (const p of papers) {
    if (p.published === null) {
      add("undated", "Undated papers", p);
      continue;
    }
    const [y, m] = p.published.split("-");
    add(y, y, p);
    add(`${y}/${m}`, `${MONTHS[Number(m) - 1]} ${y}`, p);
    const e = years.get(y) ?? { count: 0, months: new Map<string, number>() };
    e.count++;
    e.months.set(m, (e.months.get(m) ?? 0) + 1);
    years.set(y, e);
  }
  const datePages = [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .flatMap(([key, g]) => chunk(`/dates/${key}/`, key, g.heading, "", g.papers, DATE_PAGE_SIZE));
  return {
    papers,
    topicList,
    topicPages,
    datePages,
    years: {
      undated: groups.get("undated")!.papers.length,
      years: [...years.entries()]
        .sort(([a], [b]) => (a < b ? 1 : -1))
        .map(([year, e]) => ({
          year,
          url: `/dates/${year}/`,
          count: e.count,
          months: [...e.months.entries()].sort(([a], [b]) => (a < b ? 1 : -1)).map(([m, count]) => ({ name: MONTHS[Number(m) - 1], url: `/dates/${year}/${m}/`, count })),
        })),
    },
  };
}
