// /robots.txt: everything may be crawled except search results (/search/?q=…); names the sitemap when --url is given.
// Under a --base sub-path crawlers read the host's own /robots.txt, not this one: copy its lines there.
import { absoluteUrl, withBase, type BuildSettings } from "../../scripts/eleventy/publish.ts";

export const data = { permalink: "/robots.txt", eleventyExcludeFromCollections: true };

export function render(d: { build: BuildSettings }): string {
  const map = absoluteUrl(d.build, "/sitemap.xml");
  return `User-agent: *\nAllow: ${withBase(d.build, "/")}\nDisallow: ${withBase(d.build, "/search/?")}\n${map ? `\nSitemap: ${map}\n` : ""}`;
}
