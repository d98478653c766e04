// Paper page: title, facts, abstract, topics, keywords, code links, related papers, sources; tagged for Pagefind.
import { html, trusted } from "../scripts/eleventy/html.ts";
import type { PaperPageData } from "../scripts/stages/write.ts";
import type { PaperPage } from "../scripts/io.ts";
import type { Taxonomy } from "../scripts/stages/classify.ts";
import { bibtex, plainCitation } from "../scripts/eleventy/cite.ts";
import { absoluteUrl, SITE_NAME, type BuildSettings } from "../scripts/eleventy/publish.ts";
import { formatDate, titleHtml, topicName } from "./partials.ts";

export const data = { layout: "base.11ty.ts", scripts: ["/assets/cite.js"] };

/** "Cite": a plain reference and a BibTeX entry, each with a copy button that assets/cite.js reveals and drives. */
function citeBox(p: PaperPageData, build: BuildSettings) {
  const c = { url: p.permalink, title: p.title, titleMarkdown: p.titleMarkdown, published: p.published, authorNames: p.authorNames, arxiv: p.arxiv };
  const url = absoluteUrl(build, p.permalink);
  return html`<section class="cite" aria-labelledby="cite-h"><h2 id="cite-h">Cite</h2>
<p class="cite-text" id="cite-text">${plainCitation(c, url)}</p>
<details class="cite-bibtex"><summary>BibTeX</summary>
<pre id="cite-bibtex">${bibtex(c, url, SITE_NAME)}</pre>
</details>
<p class="cite-actions"><button type="button" class="copy-button" data-copy="cite-text" data-copied="Reference copied" hidden>Copy reference</button> <button type="button" class="copy-button" data-copy="cite-bibtex" data-copied="BibTeX copied" hidden>Copy BibTeX</button> <a href="/catalogue.bib">BibTeX of every paper</a></p>
<p class="visually-hidden" id="cite-status" role="status"></p>
</section>`;
}

export function render(page: { paper: PaperPage<PaperPageData>; content: string; taxonomy: Taxonomy; build: BuildSettings }): string {
  const data = { ...page.paper.data, content: page.content };
  const topics = page.taxonomy.topics;
  const year = data.published?.slice(0, 4);
  return html`<article class="paper" data-pagefind-body>
<div hidden data-pagefind-ignore><span data-pagefind-meta="title">${data.title}</span>
${data.published ? html`<span hidden data-pagefind-meta="date">${data.published}</span><span hidden data-pagefind-sort="date">${data.published}</span><span hidden data-pagefind-filter="year">${year}</span>` : html`<span hidden data-pagefind-sort="date">0000-00-00</span>`}
<span hidden data-pagefind-sort="upvotes">${String(data.upvotes ?? 0).padStart(16, "0")}</span><span hidden data-pagefind-meta="upvotes">${String(data.upvotes ?? 0)}</span>
<span hidden data-pagefind-filter="code">${data.links.length ? "has code or project page" : "no code link"}</span></div>
<h1 dir="auto"${data.hasMath ? trusted(" data-pagefind-ignore") : ""}>${titleHtml(data.titleMarkdown)}</h1>
<p class="facts">${data.published ? html`<time datetime="${data.published}">${formatDate(data.published)}</time>` : html`<span>undated</span>`}${
    data.authors !== null ? html` · <span>${data.authors} ${data.authors === 1 ? "author" : "authors"}</span>` : ""
  }${data.upvotes !== null ? html` · <span>${data.upvotes} ${data.upvotes === 1 ? "upvote" : "upvotes"}</span>` : ""}${data.arxiv ? html` · arXiv <a href="https://arxiv.org/abs/${data.arxiv}">${data.arxiv}</a>` : ""}</p>
${data.authorNames ? html`<p class="authors">${data.authorNames.join(", ")}</p>` : ""}
<section class="abstract"${data.hasMath ? trusted(" data-pagefind-ignore") : ""}>
<h2 class="visually-hidden">Abstract</h2>
${trusted(data.content)}
</section>
${data.hasMath ? html`<div hidden>${data.title}. ${data.description}</div>` : ""}
<dl class="paper-facts">
<dt>Topics</dt><dd><ul class="tags">${data.topics.map((t) => html`<li><a href="/topics/${t}/" data-pagefind-filter="topic">${topicName(topics, t)}</a></li>`)}</ul></dd>
${data.keywords.length ? html`<dt data-pagefind-ignore>Key terms</dt><dd data-pagefind-ignore><ul class="tags">${data.keywords.map((k) => html`<li><a href="/search/?q=${encodeURIComponent(k)}" dir="auto">${k}</a></li>`)}</ul></dd>` : ""}
${data.links.length ? html`<dt>Code and links</dt><dd><ul class="links">${data.links.map((l) => html`<li><a href="${l}" rel="noopener">${l}</a></li>`)}</ul></dd>` : ""}
</dl>
</article>
${citeBox(page.paper.data, page.build)}
${data.related.length ? html`<section class="related" aria-labelledby="related-h"><h2 id="related-h">Related papers</h2><ol>${data.related.map(
    (r) => html`<li><a href="${r.url}" dir="auto">${r.title}</a> <span class="why">shares ${r.terms.map((t, i) => html`${i ? ", " : ""}<em>${t}</em>`)}</span></li>`,
  )}</ol></section>` : ""}
<section class="sources" aria-labelledby="sources-h"><h2 id="sources-h">Sources</h2><ul>${data.sources.map((s) => html`<li><code>${s.file}:${s.line}</code></li>`)}</ul></section>
`.html;
}
