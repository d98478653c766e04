// /dates/<yyyy>/, /dates/<yyyy>/<mm>/, /dates/undated/ and their further pages: one paginated template (layouts applied by renderPage).
import { renderPage } from "../../layouts/listing.11ty.ts";

export const data = {
  pagination: { data: "catalogue.datePages", size: 1, alias: "chunk", addAllPagesToCollections: false },
  permalink: (d: { chunk: { url: string } }) => `${d.chunk.url}index.html`,
};
export const render = (d: Parameters<typeof renderPage>[0]) => renderPage(d, "dates");
