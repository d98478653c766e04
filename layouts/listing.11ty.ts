// Listing layout for one page of a topic or a period: heading, description, count, papers newest first, pager.
import { html } from "../scripts/eleventy/html.ts";
import type { Chunk } from "../scripts/eleventy/indexes.ts";
import type { BuildSettings } from "../scripts/eleventy/publish.ts";
import type { Taxonomy } from "../scripts/stages/classify.ts";
import * as baseLayout from "./base.11ty.ts";
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

/**
 * The whole page, this layout inside base, for the paginated topic and period templates: through Eleventy's `layout`
 * and computed data, each of thousands of pages paid for copies of the data cascade. Title and hasMath come from the
 * chunk, as Eleventy's computed data gave them.
 */
export function renderPage(d: { chunk: Chunk; taxonomy: Taxonomy; build: BuildSettings; page: { url: string } }, section: string): string {
  const c = d.chunk;
  return baseLayout.render({
    content: render(d),
    // KaTeX's stylesheet only where a listed title has math.
    hasMath: c.papers.some((p) => p.hasMath),
    title: c.pageNumber > 1 ? `${c.heading} (page ${c.pageNumber})` : c.heading,
    section,
    chunk: c,
    page: d.page,
    build: d.build,
  });
}
