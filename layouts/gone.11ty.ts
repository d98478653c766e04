// Gone layout: the page left at a published paper URL whose paper is no longer in the catalogue; points to the search and to where it went.
import { html } from "../scripts/eleventy/html.ts";
import type { GoneData } from "../scripts/eleventy/data.ts";
import type { BuildSettings } from "../scripts/eleventy/publish.ts";
import * as baseLayout from "./base.11ty.ts";

interface Data {
  gone: GoneData;
  build: BuildSettings;
  page: { url: string };
}

export function render(d: Data): string {
  const g = d.gone;
  // The registry keeps the title's normalised form (merge.titleKey): lower case, words only, which is what the search needs.
  const search = `/search/?q=${encodeURIComponent(g.key)}`;
  return html`<h1>Paper no longer here</h1>
${g.target
  ? html`<p>The paper published at this address is now part of another entry of the catalogue: <a href="${g.target.url}">${g.target.title}</a>.</p>`
  : html`<p>The paper published at this address (“${g.key}”) is no longer in the catalogue.</p>`}
<p><a href="${search}">Search the catalogue for “${g.key}”</a>, or browse the <a href="/topics/">topics</a>.</p>
`.html;
}

/** The whole page, this layout inside base: not indexed by search engines, nor by the site's search (no data-pagefind-body). */
export function renderPage(d: Data): string {
  return baseLayout.render({ content: render(d), title: "Paper no longer here", noindex: true, page: d.page, build: d.build });
}
