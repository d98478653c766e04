// Topics index layout: every topic with its description and paper count.
import { html } from "../scripts/eleventy/html.ts";

export const data = { layout: "base.11ty.ts", section: "topics" };

export function render(data: { catalogue: { topicList: { name: string; description: string; url: string; count: number }[] } }): string {
  return html`<h1>Topics</h1>
<p>Each paper has one to three topics, assigned from its title and abstract by the rules in the catalogue's taxonomy.</p>
<ul class="topic-list">${data.catalogue.topicList.map(
    (t) => html`<li><h2><a href="${t.url}">${t.name}</a> <span class="count">${t.count} ${t.count === 1 ? "paper" : "papers"}</span></h2><p>${t.description}</p></li>`,
  )}</ul>
`.html;
}
