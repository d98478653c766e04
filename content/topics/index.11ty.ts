// /topics/: every topic with its description and count.
export const data = { layout: "topic-list.11ty.ts", permalink: "/topics/index.html", title: "Topics" };
export const render = () => "";
