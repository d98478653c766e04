// /topics/<topic>/ and its further pages: one paginated template for the whole family.
export const data = {
  layout: "listing.11ty.ts",
  pagination: { data: "catalogue.topicPages", size: 1, alias: "chunk", addAllPagesToCollections: false },
  permalink: (d: { chunk: { url: string } }) => `${d.chunk.url}index.html`,
  eleventyComputed: {
    // KaTeX's stylesheet only where a listed title has math.
    hasMath: (d: { chunk: { papers: { hasMath: boolean }[] } }) => d.chunk.papers.some((p) => p.hasMath),
    title: (d: { chunk: { heading: string; pageNumber: number } }) => (d.chunk.pageNumber > 1 ? `${d.chunk.heading} (page ${d.chunk.pageNumber})` : d.chunk.heading),
  },
  section: "topics",
};
export const render = () => "";
