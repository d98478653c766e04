// /search/: the in-browser search page (Pagefind).
export const data = { layout: "search.11ty.ts", permalink: "/search/index.html", title: "Search" };
export const render = () => "";
