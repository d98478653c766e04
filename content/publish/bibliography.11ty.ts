// /catalogue.bib: the BibTeX entry of every paper, in URL order (the same entries as the paper pages' "Cite" boxes).
import { bibtex } from "../../scripts/eleventy/cite.ts";
import { absoluteUrl, SITE_NAME, type BuildSettings } from "../../scripts/eleventy/publish.ts";
import type { PaperCard } from "../../scripts/eleventy/indexes.ts";

interface Data {
  build: BuildSettings;
  catalogue: { papers: PaperCard[] };
}

export const data = { permalink: "/catalogue.bib", eleventyExcludeFromCollections: true };

export function render(d: Data): string {
  const papers = [...d.catalogue.papers].sort((a, b) => (a.url < b.url ? -1 : a.url > b.url ? 1 : 0));
  const head = `% ${SITE_NAME}: ${papers.length} papers from Hugging Face Daily Papers, one @misc entry each (key = the paper's URL slug).\n\n`;
  return head + papers.map((p) => bibtex(p, absoluteUrl(d.build, p.url), SITE_NAME)).join("\n");
}
