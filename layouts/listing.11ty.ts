// Listing layout for one page of a topic or a period: heading, description, count, papers newest first, pager.
import { html } from "../scripts/eleventy/html.ts";
import type { Chunk } from "../scripts/eleventy/indexes.ts";
import type { Taxonomy } from "../scripts/stages/classify.ts";
import { pager, paperList } from "./partials.ts";

export const data = { layout: "base.11ty.ts" };

export function render(data: { chunk: Chunk; taxonomy: Taxonomy }): string {
  const c = data.chunk;
  return html`<h1>${c.heading}</h1>
${c.description ? html`<p class="lead">${c.description}</p>` : ""}
<p class="count">${c.total} ${c.total === 1 ? "paper" : "papers"}${c.pageUrls.length > 1 ? html`, page ${c.pageNumber} of ${c.pageUrls.length}` : ""}.</p>
${c.papers.length ? paperList(c.papers, data.taxonomy.topics, c.start) : html`<p>No papers here yet.</p>`}
${pager(c)}
`.html;
}
