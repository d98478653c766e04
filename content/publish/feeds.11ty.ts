// Feeds: /feed.xml and /feed.json (the newest papers of the whole catalogue), /topics/<topic>/feed.xml and feed.json.
// Rendered by scripts/eleventy/publish.ts from the index data; entries are the newest dated papers, newest first.
import { atomFeed, jsonFeed, newest, newestByTopic, SITE_NAME, type BuildSettings, type Feed } from "../../scripts/eleventy/publish.ts";
import type { CatalogueIndex } from "../../scripts/eleventy/indexes.ts";
import type { Taxonomy } from "../../scripts/stages/classify.ts";

interface FeedPage {
  feed: Feed;
  format: "atom" | "json";
}

interface Data {
  catalogue: CatalogueIndex;
  build: BuildSettings;
  taxonomy: Taxonomy;
  item: FeedPage;
}

function feeds(catalogue: CatalogueIndex): FeedPage[] {
  const latest = catalogue.papers.find((p) => p.published)?.published ?? null;
  const byTopic = newestByTopic(catalogue.papers);
  const all: Feed[] = [
    { path: "/feed.xml", home: "/", title: `${SITE_NAME}: newest papers`, subtitle: "The newest papers from Hugging Face Daily Papers in the catalogue.", papers: newest(catalogue.papers), fallbackDate: latest },
    ...catalogue.topicList.map((t) => ({
      path: `/topics/${t.id}/feed.xml`,
      home: t.url,
      title: `${SITE_NAME}: ${t.name}`,
      subtitle: t.description,
      papers: byTopic.get(t.id) ?? [],
      fallbackDate: latest,
    })),
  ];
  return all.flatMap((feed) => [
    { feed, format: "atom" as const },
    { feed, format: "json" as const },
  ]);
}

export const data = {
  pagination: {
    data: "catalogue.topicList",
    size: 1,
    alias: "item",
    addAllPagesToCollections: false,
    before: (_: unknown, all: { catalogue: CatalogueIndex }) => feeds(all.catalogue),
  },
  permalink: (d: Data) => (d.item.format === "atom" ? d.item.feed.path : d.item.feed.path.replace(/\.xml$/, ".json")),
  eleventyExcludeFromCollections: true,
};

export function render(d: Data): string {
  return d.item.format === "atom" ? atomFeed(d.build, d.item.feed, d.taxonomy) : jsonFeed(d.build, d.item.feed, d.taxonomy);
}
