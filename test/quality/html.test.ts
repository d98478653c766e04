// Gate: every generated page (both builds) is valid HTML by html-validate's recommended rules, relaxed only as
// .htmlvalidate.json says (reasons in test/quality/README.md).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { FileSystemConfigLoader, HtmlValidate } from "html-validate";
import { root } from "../../scripts/build.ts";
import { builtSites, filesOf, type Site } from "./sites.ts";

const sites = await builtSites();
const validator = new HtmlValidate(new FileSystemConfigLoader());

async function validateSite(site: Site): Promise<void> {
  const pages = filesOf(site.dir, ".html");
  assert.ok(pages.length > 400, `only ${pages.length} pages in ${site.dir}`);
  const problems: string[] = [];
  for (const page of pages) {
    // Validated as if inside the repository, so .htmlvalidate.json applies.
    const report = await validator.validateString(readFileSync(path.join(site.dir, page), "utf8"), path.join(root, "site", page));
    for (const r of report.results) for (const m of r.messages) problems.push(`${site.base}${page}:${m.line}:${m.column} ${m.ruleId}: ${m.message}`);
  }
  assert.deepEqual(problems.slice(0, 30), [], `${problems.length} problems`);
}

test("every page is valid HTML (site at the root)", async () => {
  await validateSite(sites.plain);
});

test("every page is valid HTML (site under /catalogue/)", async () => {
  await validateSite(sites.prefixed);
});
