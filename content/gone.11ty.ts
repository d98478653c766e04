// /papers/<slug>/ of a published URL whose paper left the catalogue or was merged into another: a page saying so (layouts/gone.11ty.ts).
import { renderPage } from "../layouts/gone.11ty.ts";

export const data = {
  pagination: { data: "gonePages", size: 1, alias: "gone", addAllPagesToCollections: false },
  // The slug is from the registry, checked safe when it was read (io.ts SAFE_SLUG).
  permalink: (d: { gone: { slug: string } }) => `/papers/${d.gone.slug}/index.html`,
};
export const render = (d: Parameters<typeof renderPage>[0]) => renderPage(d);
