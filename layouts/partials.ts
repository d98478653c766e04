// Pieces shared by the layouts: paper lists, pagers, topic links, plain-text helpers.
import { html, trusted, type SafeHtml } from "../scripts/eleventy/html.ts";
import { markdown } from "../scripts/eleventy/markdown.ts";
import type { Chunk, PaperCard } from "../scripts/eleventy/indexes.ts";
import type { Topic } from "../scripts/stages/classify.ts";

export { SITE_NAME } from "../scripts/eleventy/publish.ts";

const titles = new Map<string, SafeHtml>();
/** Titles remembered per run before the memo starts afresh (bounds its memory). */
const TITLES_SIZE = 200000;

/**
 * Title Markdown (escaped prose + `$math$`) rendered inline: safe, as markdown-it has raw HTML off. Remembered, as
 * index pages list each paper several times (its topics, its year and month).
 */
export function titleHtml(titleMarkdown: string): SafeHtml {
  let out = titles.get(titleMarkdown);
  if (out === undefined) {
    out = trusted(markdown.renderInline(titleMarkdown));
    if (titles.size >= TITLES_SIZE) titles.clear();
    titles.set(titleMarkdown, out);
  }
  return out;
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

export function paperList(papers: PaperCard[], topics: Topic[], start = 0): SafeHtml {
  return html`<ol class="papers"${start ? html` start="${start + 1}"` : ""}>${papers.map(
    (p) => html`<li><a class="paper-title" href="${p.url}">${titleHtml(p.titleMarkdown)}</a>
<span class="meta">${p.published ? html`<time datetime="${p.published}">${formatDate(p.published)}</time>` : "undated"}${p.upvotes !== null ? html` · ${p.upvotes} ${p.upvotes === 1 ? "upvote" : "upvotes"}` : ""} · ${p.topics.map((t, i) => html`${i ? ", " : ""}${topicName(topics, t)}`)}</span></li>`,
  )}</ol>`;
}

export function pager(chunk: Chunk): SafeHtml {
  if (chunk.pageUrls.length < 2) return html``;
  return html`<nav class="pager" aria-label="Pages">${chunk.pageUrls.map((u, i) =>
    i + 1 === chunk.pageNumber ? html`<span aria-current="page">${i + 1}</span>` : html`<a href="${u}">${i + 1}</a>`,
  )}</nav>`;
}
