// Paper pages: one page per generated Markdown file in papers/, handed over as data (see scripts/eleventy/data.ts).
// Rendering them through one paginated template instead of one template per file keeps Eleventy's cost per page flat;
// the layouts read title, description and hasMath from the paper itself (no computed data: it costs per page).
import { markdown } from "../../scripts/eleventy/markdown.ts";
import type { PaperPage } from "../../scripts/io.ts";
import type { BuildSettings } from "../../scripts/eleventy/publish.ts";
import type { PaperPageData } from "../../scripts/stages/write.ts";
import type { Taxonomy } from "../../scripts/stages/classify.ts";
import * as paperLayout from "../../layouts/paper.11ty.ts";
import * as baseLayout from "../../layouts/base.11ty.ts";

type Data = { paper: PaperPage<PaperPageData>; taxonomy: Taxonomy; build: BuildSettings; page: { url: string } };

export const data = {
  pagination: { data: "paperPages", size: 1, alias: "paper" },
  // The literal URL from the page's front matter: never run through a template language.
  permalink: (d: Data) => d.paper.data.permalink,
};

// The layout chain paper → base is called here rather than through Eleventy's `layout`: Eleventy copies the whole data
// cascade for each layout of each page, about a fifth of a paper page's cost. The output is the same.
export function render(d: Data): string {
  const content = paperLayout.render({ paper: d.paper, content: markdown.render(d.paper.body), taxonomy: d.taxonomy, build: d.build });
  return baseLayout.render({ content, paper: d.paper, page: d.page, scripts: paperLayout.data.scripts, build: d.build });
}
