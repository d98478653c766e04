// Search layout: the form and results area that assets/search.js drives with Pagefind.
import { html } from "../scripts/eleventy/html.ts";

export const data = { layout: "base.11ty.ts", section: "search", scripts: ["/assets/search.js"] };

export function render(data: { collections: { topicList: { id: string; name: string }[] } }): string {
  return html`<h1>Search</h1>
<form id="search-form" class="search-form" role="search" action="/search/" method="get">
<label for="search-q">Search titles, abstracts, topics and key terms</label>
<input id="search-q" name="q" type="search" autocomplete="off">
<button type="submit">Search</button>
</form>
<p id="search-status" role="status" aria-live="polite"></p>
<noscript><p>Search runs in your browser and needs JavaScript. Browse by <a href="/topics/">topic</a> or <a href="/dates/">date</a> instead.</p></noscript>
<ol id="search-results" class="papers results"></ol>
`.html;
}
