// /sitemap.xml: a sitemap index of /sitemaps/<n>.xml (sitemaps.11ty.ts). Only with --url: sitemaps need absolute URLs.
import { SITEMAP_SIZE, sitemapFile, sitemapIndex, type BuildSettings } from "../../scripts/eleventy/publish.ts";

interface Data {
  build: BuildSettings;
  catalogue: { papers: unknown[] };
}

export const data = {
  permalink: (d: Data) => (d.build.url ? "/sitemap.xml" : false),
  eleventyExcludeFromCollections: true,
};

export function render(d: Data): string {
  const files = Math.max(1, Math.ceil(d.catalogue.papers.length / SITEMAP_SIZE));
  return sitemapIndex(d.build, Array.from({ length: files }, (_, i) => sitemapFile(i + 1)));
}
