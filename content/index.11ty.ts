// Home page: counts, newest dated papers, topics, a search box.
export const data = { layout: "home.11ty.ts", permalink: "/index.html", title: "Paper Catalogue" };
export const render = () => "";
