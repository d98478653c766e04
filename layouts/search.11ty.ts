// Search layout: the form, filters, sort and results area that assets/search.js drives with Pagefind's JS API.
// Without JavaScript the form still submits (GET /search/?q=…) and the noscript note points to the browse pages.
import { html } from "../scripts/eleventy/html.ts";

export const data = { layout: "base.11ty.ts", section: "search" };

/** Pagefind filter value of `data-pagefind-filter="code"` for papers with a code or project link (layouts/paper.11ty.ts). */
export const HAS_CODE = "has code or project page";

interface SearchData {
  build?: { base?: string; searchBundles?: string[] };
  catalogue: {
    topicList: { id: string; name: string }[];
    years?: { years: { year: string }[] };
  };
}

export function render(data: SearchData): string {
  const base = data.build?.base ?? "/";
  // Search bundles after the first (scripts/search-index.ts); search.js merges them.
  const bundles = (data.build?.searchBundles ?? []).slice(1);
  const years = data.catalogue.years?.years ?? [];
  const serveCommand = base === "/" ? "npm run serve" : `npm run serve -- --base ${base}`;
  // Pagefind's classic build (scripts/search-disk.ts: it also runs from disk) loads while the page parses, async, so
  // it is evaluated as soon as it arrives and search.js finds it ready; search.js is async too (placed after the
  // elements it drives), so it waits neither for site.js nor for the end of parsing. search.js starts loading the index
  // files every search needs (named in the page by scripts/search-page.ts): as preloads hosted (a page opened from disk
  // may not preload them: its fetches are refused), from their twins on disk.
  return html`<script async src="/pagefind/pagefind-classic.js"></script>
<h1>Search</h1>
<div id="search-needs-server" class="search-needs-server" role="note">
<p><strong>Search can't run from this copy opened as a file.</strong> It was built for a web server only, without the search files a page on <code>file://</code> reads.</p>
<p>In the project folder run <code>${serveCommand}</code>, then open <code>http://localhost:8080${base}search/</code>. Or browse by <a href="/topics/">topic</a> or <a href="/dates/">date</a>.</p>
</div>
<form id="search-form" class="search-form" role="search" action="/search/" method="get" data-has-code="${HAS_CODE}"${bundles.length ? html` data-bundles="${bundles.join(" ")}"` : ""}>
<label for="search-q">Search titles, abstracts, topics and key terms</label>
<input id="search-q" name="q" type="search" autocomplete="off" aria-controls="search-results" aria-describedby="search-keys">
<button type="submit">Search</button>
<p id="search-keys" class="search-keys">Press <kbd>/</kbd> to come back here and <kbd>↓</kbd> to move into the results.</p>
<fieldset class="search-controls">
<legend class="visually-hidden">Filter and sort</legend>
<label>Topic <select id="search-topic" name="topic"><option value="">Any topic</option>${data.catalogue.topicList.map(
    (t) => html`<option value="${t.id}" data-filter="${t.name}">${t.name}</option>`,
  )}</select></label>
<label>Year <select id="search-year" name="year"><option value="">Any year</option>${years.map((y) => html`<option value="${y.year}">${y.year}</option>`)}</select></label>
<label class="search-check"><input id="search-code" name="code" type="checkbox" value="1"> Has code or project page</label>
<label>Sort by <select id="search-sort" name="sort"><option value="">Relevance</option><option value="newest">Newest first</option><option value="upvotes">Most upvoted</option></select></label>
</fieldset>
</form>
<p id="search-status" class="search-status" role="status" aria-live="polite"></p>
<noscript><p>Search runs in your browser and needs JavaScript. Browse by <a href="/topics/">topic</a> or <a href="/dates/">date</a> instead.</p></noscript>
<ol id="search-results" class="papers results" aria-label="Search results"></ol>
<p><button type="button" id="search-more" class="search-more" hidden>More results</button></p>
<script async src="/assets/search.js"></script>
`.html;
}
