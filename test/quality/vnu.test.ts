// Gate: every generated page (both builds) has zero errors by the W3C Nu HTML Checker (vnu-jar), which checks what
// html-validate does not, such as MathML content models. One Java run per build.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import katex from "katex";
import { katexOptions } from "../../scripts/katex-options.ts";
import { vnuErrors } from "../helpers/vnu.ts";
import { builtSites, filesOf, type Site } from "./sites.ts";

const sites = await builtSites();

/** The gate: the checker's errors on every page of `dir`, none allowed. */
async function checkSite(dir: string): Promise<void> {
  const errors = await vnuErrors(dir);
  assert.deepEqual(errors.slice(0, 30), [], `${errors.length} errors by the Nu HTML Checker in ${dir}`);
}

async function checkBuild(site: Site): Promise<void> {
  const pages = filesOf(site.dir, ".html").length;
  assert.ok(pages > 400, `only ${pages} pages in ${site.dir}`);
  await checkSite(site.dir);
}

test("every page has zero errors by the Nu HTML Checker (site at the root)", async () => {
  await checkBuild(sites.plain);
});

test("every page has zero errors by the Nu HTML Checker (site under /catalogue/)", async () => {
  await checkBuild(sites.prefixed);
});

test("the Nu HTML Checker gate fails on a page holding KaTeX's unrepaired MathML", async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "vnu-gate-"));
  try {
    // KaTeX itself, not the site's renderer: `w_{\min}` as one of the bundled dumps writes it.
    const math = katex.renderToString("w_{\\min}", katexOptions);
    writeFileSync(path.join(dir, "index.html"), `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Math</title></head><body><p>${math}</p></body></html>\n`);
    await assert.rejects(checkSite(dir), (e: Error) => {
      assert.match(e.message, /Element “mo” not allowed as child of element “msub”/);
      return true;
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
