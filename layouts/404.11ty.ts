// 404 layout: a way back from a broken link.
import { html } from "../scripts/eleventy/html.ts";

export const data = { layout: "base.11ty.ts" };

export function render(): string {
  return html`<h1>Page not found</h1>
<p>This page is not in the catalogue. Try the <a href="/search/">search</a>, the <a href="/topics/">topics</a> or the <a href="/">home page</a>.</p>
`.html;
}
