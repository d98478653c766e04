// Pieces shared by the layouts: paper lists, pagers, topic links, plain-text helpers.
import { html, trusted, type SafeHtml } from "../scripts/eleventy/html.ts";
import { markdown } from "../scripts/eleventy/markdown.ts";
import type { Chunk, PaperCard } from "../scripts/eleventy/indexes.ts";
import type { Topic } from "../scripts/stages/classify.ts";

export { SITE_NAME } from "../scripts/eleventy/publish.ts";

/** Title Markdown (escaped prose + `$math$`) rendered inline: safe, as markdown-it has raw HTML off. */
export function titleHtml(titleMarkdown: string): SafeHtml {
  return trusted(markdown.renderInline(titleMarkdown));
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** `2023-02-14` → `Feb 14, 2023` (string maths only: no time zones). */
export function formatDate(iso: string): string {
  const [y, m, d] = iso.split("-");
  return `${MONTHS[Number(m) - 1]} ${Number(d)}, ${y}`;
}

export function topicName(topics: Topic[], id: string): string {
  return topics.find((t) => t.id === id)?.name ?? (id === "unsorted" ? "Unsorted" : id);
}

const items = new Map<string, SafeHtml>();
/** List items remembered per run before the memo starts afresh (bounds its memory). */
const ITEMS_SIZE = 200000;

/** A paper's list item: the same in every listing that shows it (its topics, year and month), so made once per run. */
function paperItem(p: PaperCard, topics: Topic[]): SafeHtml {
  let item = items.get(p.url);
  if (item === undefined) {
    item = html`<li><a class="paper-title" href="${p.url}" dir="auto">${titleHtml(p.titleMarkdown)}</a>
<span class="meta">${p.published ? html`<time datetime="${p.published}">${formatDate(p.published)}</time>` : "undated"}${p.upvotes !== null ? html` · ${p.upvotes} ${p.upvotes === 1 ? "upvote" : "upvotes"}` : ""} · ${p.topics.map((t, i) => html`${i ? ", " : ""}${topicName(topics, t)}`)}</span></li>`;
    if (items.size >= ITEMS_SIZE) items.clear();
    items.set(p.url, item);
  }
  return item;
}

export function paperList(papers: PaperCard[], topics: Topic[], start = 0): SafeHtml {
  return html`<ol class="papers"${start ? html` start="${start + 1}"` : ""}>${papers.map((p) => paperItem(p, topics))}</ol>`;
}

/** Each family's page links, by its first page's URL: every page of a family links to all of them. */
const pagerLinks = new Map<string, SafeHtml[]>();

export function pager(chunk: Chunk): SafeHtml {
  if (chunk.pageUrls.length < 2) return html``;
  let links = pagerLinks.get(chunk.pageUrls[0]);
  if (links === undefined) {
    links = chunk.pageUrls.map((u, i) => html`<a href="${u}">${i + 1}</a>`);
    pagerLinks.set(chunk.pageUrls[0], links);
  }
  return html`<nav class="pager" aria-label="Pages">${links.map((l, i) => (i + 1 === chunk.pageNumber ? html`<span aria-current="page">${i + 1}</span>` : l))}</nav>`;
}
