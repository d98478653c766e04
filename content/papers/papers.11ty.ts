// Paper pages: one page per generated Markdown file in papers/, handed over as data (see scripts/eleventy/data.ts).
// Rendering them through one paginated template instead of one template per file keeps Eleventy's cost per page flat;
// the layouts read title, description and hasMath from the paper itself (no computed data: it costs per page).
import { markdown } from "../../scripts/eleventy/markdown.ts";
import type { PaperPage } from "../../scripts/io.ts";
import type { PaperPageData } from "../../scripts/stages/write.ts";

type Data = { paper: PaperPage<PaperPageData> };

export const data = {
  pagination: { data: "paperPages", size: 1, alias: "paper" },
  // The literal URL from the page's front matter: never run through a template language.
  permalink: (d: Data) => d.paper.data.permalink,
};

export function render(d: Data): string {
  return markdown.render(d.paper.body);
}
