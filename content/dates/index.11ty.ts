// /dates/: years and months with counts, and the undated papers.
export const data = { layout: "date-list.11ty.ts", permalink: "/dates/index.html", title: "Papers by date" };
export const render = () => "";
