// Home layout: what the catalogue holds, the newest dated papers, the topics, a search box.
import { html } from "../scripts/eleventy/html.ts";
import type { PaperCard } from "../scripts/eleventy/indexes.ts";
import type { Taxonomy } from "../scripts/stages/classify.ts";
import type { BuildSettings } from "../scripts/eleventy/publish.ts";
import { paperList } from "./partials.ts";

export const data = { layout: "base.11ty.ts" };

interface HomeData {
  newest: number;
  build?: BuildSettings;
  taxonomy: Taxonomy;
  catalogue: { papers: PaperCard[]; topicList: { id: string; name: string; url: string; count: number }[]; years: { years: { year: string; count: number }[]; undated: number } };
}

export function render(data: HomeData): string {
  const papers = data.catalogue.papers;
  const dated = papers.filter((p) => p.published !== null);
  return html`<h1>Paper Catalogue</h1>
<p class="lead">${papers.length} papers from Hugging Face Daily Papers, ${dated.length} of them dated, in ${data.catalogue.topicList.length} topics. Search runs in your browser, offline.</p>
<form class="big-search" role="search" action="/search/" method="get">
<label for="home-q">Search titles, abstracts, topics and key terms</label>
<input id="home-q" name="q" type="search" autocomplete="off">
<button type="submit">Search</button>
</form>
${data.build?.archive ? html`<p class="offline-download" data-archive><a href="${data.build.archive}" download>Download the whole catalogue</a> (one zip): unzipped anywhere, open <code>index.html</code> to read, browse and search it with no server and no network.</p>
` : ""}<section aria-labelledby="newest-h"><h2 id="newest-h">Newest papers</h2>
${paperList(dated.slice(0, data.newest), data.taxonomy.topics)}
<p><a href="/dates/">All papers by date</a></p></section>
<section aria-labelledby="topics-h"><h2 id="topics-h">Topics</h2>
<ul class="topic-grid">${data.catalogue.topicList.map((t) => html`<li><a href="${t.url}">${t.name}</a> <span class="count">${t.count}</span></li>`)}</ul></section>
`.html;
}
