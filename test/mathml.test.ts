// MathML repair (scripts/eleventy/mathml.ts): fixture-driven, from KaTeX's output to valid MathML by the W3C checker.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import katex from "katex";
import { katexOptions } from "../scripts/katex-options.ts";
import { createMarkdown } from "../scripts/eleventy/markdown.ts";
import { repairMathml } from "../scripts/eleventy/mathml.ts";
import { vnuErrors } from "./helpers/vnu.ts";

const here = path.dirname(fileURLToPath(import.meta.url));

/** `tex`, the `<math>` element KaTeX writes for it (its whole output if it has none), and that element repaired. */
interface Case { name: string; tex: string; katex: string; mathml: string }

/** Shapes KaTeX does not write today, written by hand: `input` and its repair. */
interface Handmade { name: string; input: string; expected: string }

const load = <T>(name: string): T => JSON.parse(readFileSync(path.join(here, "fixtures/mathml", name), "utf8")) as T;
const cases = load<Case[]>("cases.json");
const mathOf = (html: string) => (html.includes("<math") ? html.slice(html.indexOf("<math"), html.lastIndexOf("</math>") + "</math>".length) : html);
const md = createMarkdown();

for (const c of cases) {
  test(`MathML repaired: ${c.name}`, () => {
    // The input is what the pinned KaTeX writes: a KaTeX upgrade that changes it shows here first.
    const full = katex.renderToString(c.tex, katexOptions);
    assert.equal(mathOf(full), c.katex, "KaTeX's MathML for this TeX changed");
    assert.equal(repairMathml(c.katex), c.mathml);
    // Only the MathML changes: the visible HTML KaTeX writes beside it is kept byte for byte.
    const repaired = repairMathml(full);
    assert.equal(repaired.replace(c.mathml, "\0"), full.replace(c.katex, "\0"));
    // Repairing again changes nothing.
    assert.equal(repairMathml(c.mathml), c.mathml);
    // The site's renderer writes the repaired MathML.
    assert.ok(md.renderInline(`$${c.tex}$`).includes(c.mathml), "markdown renderer output lacks the repaired MathML");
  });
}

for (const c of load<Handmade[]>("handmade.json")) {
  test(`MathML repair, by hand: ${c.name}`, () => {
    assert.equal(repairMathml(c.input), c.expected);
    assert.equal(repairMathml(c.expected), c.expected);
  });
}

test("the fixtures' repaired MathML is valid by the W3C Nu HTML Checker, and KaTeX's is not where it was repaired", async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "mathml-fixtures-"));
  try {
    const page = (body: string) => `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>MathML</title></head><body>${body}</body></html>\n`;
    cases.forEach((c, i) => {
      writeFileSync(path.join(dir, `repaired-${i}.html`), page(`<p>${c.mathml}</p>`));
      writeFileSync(path.join(dir, `katex-${i}.html`), page(`<p>${c.katex}</p>`));
    });
    const errors = await vnuErrors(dir);
    assert.deepEqual(errors.filter((e) => e.startsWith("repaired-")), []);
    const invalid = new Set(errors.map((e) => e.slice(0, e.indexOf(".html"))));
    cases.forEach((c, i) => assert.equal(invalid.has(`katex-${i}`), c.katex !== c.mathml, `${c.name}: KaTeX's MathML ${c.katex !== c.mathml ? "passed the checker but was repaired" : "fails the checker but was left"}`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
