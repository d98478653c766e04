// Text stage (issue 3, "Text fidelity"): fixture-driven tests for cleanText, plus a sweep over the bundled dumps.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";
import katex from "katex";
import { katexOptions } from "../scripts/katex-options.ts";
import { createMarkdown } from "../scripts/eleventy/markdown.ts";
import { cleanText, extractLinks, findRawTex, visibleText } from "../scripts/stages/text.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.join(here, "fixtures", "text");
const load = <T>(name: string): T => JSON.parse(readFileSync(path.join(fixtures, name), "utf8")) as T;

interface MathCase { name: string; raw: string; tex: string[]; plain?: string }
interface ProseCase { name: string; raw: string }
interface TextModeCase { name: string; raw: string; markdown?: string; plain: string }

const md = createMarkdown();
const squash = (s: string) => s.replace(/\s+/g, " ").trim();

/** Every math span parses with KaTeX and the rendered HTML has no error box. */
function assertRenders(markdown: string, label: string): void {
  for (const tex of visibleText(markdown).math) {
    assert.doesNotThrow(() => katex.renderToString(tex, { ...katexOptions, throwOnError: true }), `${label}: ${tex}`);
  }
  const html = md.render(markdown);
  assert.ok(!/katex-error/.test(html), `${label}: KaTeX error box in ${html}`);
}

for (const c of load<MathCase[]>("math.json")) {
  test(`math restored: ${c.name}`, () => {
    const out = cleanText(c.raw);
    const vis = visibleText(out.markdown);
    assert.deepEqual(vis.math, c.tex);
    assert.equal(out.stats.mathSpans, c.tex.length);
    if (c.plain !== undefined) assert.equal(out.plain, c.plain);
    assert.deepEqual(findRawTex(vis.outside), [], `raw TeX left outside math: ${vis.outside}`);
    assert.ok(!/\\[A-Za-z]|\^\{|_\{/.test(out.plain), `TeX in plain text: ${out.plain}`);
    assertRenders(out.markdown, c.name);
  });
}

for (const c of load<ProseCase[]>("prose.json")) {
  test(`prose unchanged: ${c.name}`, () => {
    const out = cleanText(c.raw);
    assert.equal(out.stats.mathSpans, 0, out.markdown);
    assert.equal(squash(visibleText(out.markdown).outside), squash(c.raw));
    assert.equal(out.plain, squash(c.raw));
    const html = md.render(out.markdown);
    assert.ok(!/<(script|a|h1|table|em|strong|code|ul|li)\b/.test(html), `markup produced: ${html}`);
  });
}

for (const c of load<TextModeCase[]>("textmode.json")) {
  test(`text-mode converted: ${c.name}`, () => {
    const out = cleanText(c.raw);
    if (c.markdown !== undefined) assert.equal(out.markdown, c.markdown);
    assert.equal(out.plain, c.plain);
    assert.deepEqual(findRawTex(visibleText(out.markdown).outside), []);
    assert.ok(out.stats.textCommands > 0 || /https?:/.test(c.raw) || /~/.test(c.raw));
  });
}

test("emphasis renders as <em>, URLs as links, code as <code>", () => {
  const html = md.render(cleanText("see {\\em this} at https://example.org/a_b. Run `pip install x\\`.").markdown);
  assert.match(html, /<em>this<\/em>/);
  assert.match(html, /<a href="https:\/\/example\.org\/a_b">https:\/\/example\.org\/a_b<\/a>\./);
  assert.match(html, /<code>pip install x<\/code>/);
});

test("the stage's private-use marker characters in the input are removed, never read as markup", () => {
  // U+E001–U+E004 mark emphasis, U+E005 n U+E006 an item (URL/code), U+E100 a hidden `{`.
  const cases: [string, string][] = [
    ["\uE001forged emphasis\uE002 and \uE003forged strong\uE004", "forged emphasis and forged strong"],
    ["an item \uE0050\uE006 and \uE0051\uE006 at https://example.org/x", "an item 0 and 1 at https://example.org/x"],
    ["a \uE005 lone \uE006 marker and \uE100 brace", "a lone marker and brace"],
    ["see {\\em real\uE002} emphasis", "see real emphasis"],
  ];
  for (const [raw, shown] of cases) {
    const out = cleanText(raw);
    assert.equal(out.plain, shown, raw);
    assert.equal(squash(visibleText(out.markdown).outside), shown, raw);
    assert.ok(!/[\uE000-\uF8FF]/.test(out.markdown + out.plain), JSON.stringify(out));
    const html = md.render(out.markdown);
    assert.ok(!/<(strong|code)\b/.test(html), html);
    if (!/\\em/.test(raw)) assert.ok(!/<em\b/.test(html), html);
    if (!/https:/.test(raw)) assert.ok(!/<a\b/.test(html), html);
    else assert.equal((html.match(/<a\b/g) ?? []).length, 1, html);
  }
});

test("single backticks, lone `` and '' and runs of ~ stay as written; TeX pairs still convert", () => {
  const same = ["`code` and `more code`", "a `` b and c '' d", "~~strike~~ and a~~b", "x `y` z ''", "``double `tick` code``"];
  for (const raw of same) {
    const out = cleanText(raw);
    assert.equal(out.plain, raw);
    assert.equal(squash(visibleText(out.markdown).outside), raw);
    assert.ok(!/<code\b/.test(md.render(out.markdown)));
  }
  assert.equal(cleanText("``good'' and `bad' and et~al").plain, "“good” and ‘bad’ and et al");
});

test("a raw dollar never opens math", () => {
  const out = cleanText("It costs $5 and $10, or $x$ dollars.");
  assert.equal(visibleText(out.markdown).math.length, 0);
  assert.equal(squash(visibleText(out.markdown).outside), "It costs $5 and $10, or $x$ dollars.");
});

test("a span KaTeX cannot parse is left as escaped text", () => {
  const out = cleanText("gradient perturbation method, max{1,g-Normalized Gradient Perturbation} (m-NGP).");
  assert.equal(out.stats.mathSpans, 0);
  assert.ok(out.stats.leftAsText >= 1);
  assert.match(visibleText(out.markdown).outside, /max\{1,g-Normalized/);
  assert.ok(!/katex-error/.test(md.render(out.markdown)));
});

test("math glued to a word still opens and closes", () => {
  const out = cleanText("predict {\\lambda}opt well");
  assert.deepEqual(visibleText(out.markdown).math, ["{\\lambda}\\mathrm{opt}"]);
});

test("extractLinks: order, dedupe, trailing punctuation", () => {
  assert.deepEqual(
    extractLinks("a https://x.org/a. b (https://y.org/b), c https://x.org/a; d https://z.org/c{https://z.org/c}."),
    ["https://x.org/a", "https://y.org/b", "https://z.org/c"],
  );
});

test("findRawTex lists ^{, _{ and commands", () => {
  assert.deepEqual(findRawTex("x^{2} and y_{i} with \\alpha and \\alpha"), ["^{", "_{", "\\alpha"]);
  assert.deepEqual(findRawTex("plain text"), []);
});

// --- Whole-seed sweep: the "Done when". -----------------------------------------------------

const HEADERS = new Set(["new", "Get trending papers in your email inbox!", "Get trending papers in your email inbox once a day!", "Subscribe", "Daily Papers", "byAK and the research community"]);

/** A simple reader for the bundled dumps: titles and abstracts only. */
function readFields(dir: string): { file: string; text: string }[] {
  const out: { file: string; text: string }[] = [];
  for (const f of readdirSync(dir).filter((x) => x.endsWith(".txt")).sort()) {
    const text = readFileSync(path.join(dir, f), "utf8").replace(/\r\n?/g, "\n");
    const lines = text.split("\n");
    if (!lines.slice(0, 12).some((l) => l.trim() === "")) {
      for (const l of lines) {
        const t = l.trim().replace(/^Subscribe(?=\S)/, "");
        if (t && !HEADERS.has(t)) out.push({ file: f, text: t });
      }
    } else {
      for (const b of text.split(/\n\s*\n/)) {
        const t = b.trim();
        if (!t || HEADERS.has(t) || /^[A-Z][a-z]{2} \d{1,2}$/.test(t) || t.startsWith("•") || t === "·") continue;
        out.push({ file: f, text: t.replace(/\s+/g, " ") });
      }
    }
  }
  return out;
}

test("bundled dumps: every math span parses and no raw TeX is left outside math", () => {
  const dir = path.join(here, "..", "content", "dumps");
  const fields = readFields(dir);
  assert.ok(fields.length > 900, `read ${fields.length} fields`);
  const problems: string[] = [];
  let spans = 0;
  for (const { file, text } of fields) {
    const out = cleanText(text);
    spans += out.stats.mathSpans;
    const vis = visibleText(out.markdown);
    for (const tex of vis.math) {
      try {
        katex.renderToString(tex, { ...katexOptions, throwOnError: true });
      } catch (e) {
        problems.push(`${file}: KaTeX ${String(e)}`);
      }
    }
    const raw = findRawTex(vis.outside);
    if (raw.length) problems.push(`${file}: raw TeX ${raw.join(" ")} in "${text.slice(0, 80)}"`);
    if (/\\[A-Za-z]|\^\{|_\{/.test(out.plain)) problems.push(`${file}: TeX in plain "${out.plain.slice(0, 80)}"`);
  }
  assert.deepEqual(problems, []);
  assert.ok(spans > 200, `only ${spans} math spans`);
});

test("random TeX-ish input never throws, never yields a KaTeX error box or raw HTML", async () => {
  const fc = (await import("fast-check")).default;
  const piece = fc.constantFrom("O", "left(", "right)", "^{", "_{", "}", "{", "\\", "epsilon", "mtimes", "in", "R", "$", "<b>", "[x](y)", "`", "''", "``", "{\\em ", "\\\"o", "frac{", "sqrt{", "big(", "https://a.b/c_d", " ", " ", "x", "1", "=", "&", "%", "|", "align*", "array{ll}", "~");
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 40 }), (parts) => {
      const out = cleanText(parts.join(""));
      const html = md.render(out.markdown);
      assert.ok(!/katex-error/.test(html), html);
      assert.ok(!/<b>|<script/.test(html), html);
    }),
    { numRuns: 400, seed: 42 },
  );
});
