// /sitemaps/<n>.xml: every page's absolute URL, SITEMAP_SIZE papers per file; the first file also lists the index pages.
import { indexPaths, SITEMAP_SIZE, sitemap, sitemapFile, type BuildSettings } from "../../scripts/eleventy/publish.ts";
import type { CatalogueIndex, PaperCard } from "../../scripts/eleventy/indexes.ts";

interface Data {
  build: BuildSettings;
  catalogue: CatalogueIndex;
  papers: PaperCard[];
  pagination: { pageNumber: number };
}

export const data = {
  pagination: { data: "catalogue.papers", size: SITEMAP_SIZE, alias: "papers", generatePageOnEmptyData: true, addAllPagesToCollections: false },
  permalink: (d: Data) => (d.build.url ? sitemapFile(d.pagination.pageNumber + 1) : false),
  eleventyExcludeFromCollections: true,
};

export function render(d: Data): string {
  const first = d.pagination.pageNumber === 0 ? indexPaths(d.catalogue) : [];
  return sitemap(d.build, [...first, ...(d.papers ?? []).map((p) => p.url)]);
}
