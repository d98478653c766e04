// Home page: counts, newest dated papers, topics, a search box.
interface HomeData {
  newest: number;
  catalogue: { papers: { published: string | null; hasMath: boolean }[] };
}

export const data = {
  layout: "home.11ty.ts",
  permalink: "/index.html",
  title: "Paper Catalogue",
  newest: 10,
  // KaTeX's stylesheet only when one of the newest papers shown has math in its title.
  eleventyComputed: { hasMath: (d: HomeData) => d.catalogue.papers.filter((p) => p.published).slice(0, d.newest).some((p) => p.hasMath) },
};
export const render = () => "";
