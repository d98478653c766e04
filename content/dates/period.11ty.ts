// /dates/<yyyy>/, /dates/<yyyy>/<mm>/, /dates/undated/ and their further pages: one paginated template.
export const data = {
  layout: "listing.11ty.ts",
  pagination: { data: "catalogue.datePages", size: 1, alias: "chunk", addAllPagesToCollections: false },
  permalink: (d: { chunk: { url: string } }) => `${d.chunk.url}index.html`,
  eleventyComputed: {
    // KaTeX's stylesheet only where a listed title has math.
    hasMath: (d: { chunk: { papers: { hasMath: boolean }[] } }) => d.chunk.papers.some((p) => p.hasMath),
    title: (d: { chunk: { heading: string; pageNumber: number } }) => (d.chunk.pageNumber > 1 ? `${d.chunk.heading} (page ${d.chunk.pageNumber})` : d.chunk.heading),
  },
  section: "dates",
};
export const render = () => "";
