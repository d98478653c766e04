// Dates index layout: years and months with counts, and the undated papers.
import { html } from "../scripts/eleventy/html.ts";

export const data = { layout: "base.11ty.ts", section: "dates" };

interface Years {
  years: { year: string; url: string; count: number; months: { name: string; url: string; count: number }[] }[];
  undated: number;
}

export function render(data: { catalogue: { years: Years } }): string {
  const y = data.catalogue.years;
  return html`<h1>Papers by date</h1>
<p>Dates come from the dumps that carry them; most papers in the dumps have none.</p>
<ul class="years">${y.years.map(
    (e) => html`<li><h2><a href="${e.url}">${e.year}</a> <span class="count">${e.count}</span></h2><ul class="months">${e.months.map((m) => html`<li><a href="${m.url}">${m.name}</a> <span class="count">${m.count}</span></li>`)}</ul></li>`,
  )}</ul>
<p><a href="/dates/undated/">Undated papers</a> <span class="count">${y.undated}</span></p>
`.html;
}
