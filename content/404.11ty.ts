// /404.html: the page hosts serve for unknown URLs.
export const data = { layout: "404.11ty.ts", permalink: "/404.html", title: "Page not found", noindex: true };
export const render = () => "";
