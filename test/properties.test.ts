// Property tests (fast-check): random titles and abstracts — full Unicode, punctuation-heavy, full of Markdown, HTML,
// YAML and template metacharacters — never fail the ingest, never become markup, and come back as the same visible
// text (for text without TeX-like syntax); a few full builds check the same on the built pages.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import fc from "fast-check";
import yaml from "js-yaml";
import { build, root } from "../scripts/build.ts";
import { removeBuildCache } from "./helpers/cache.ts";
import { decodeDump } from "../scripts/dumps-file.ts";
import { SAFE_SLUG } from "../scripts/io.ts";
import { initialState, runPipeline } from "../scripts/pipeline.ts";
import { validateTaxonomy } from "../scripts/stages/classify.ts";
import { pages } from "../scripts/stages/write.ts";
import { readFrontMatter } from "../scripts/frontmatter.ts";
import { createMarkdown } from "../scripts/eleventy/markdown.ts";
import { titleHtml } from "../layouts/partials.ts";
import { closeBidi } from "../scripts/stages/text/bidi.ts";
import { find, hasClass, parseHtml, squash, textOf, unsafeMarkup } from "./helpers/html.ts";

const taxonomy = validateTaxonomy(yaml.load(readFileSync(path.join(root, "content/taxonomy.yaml"), "utf8"), { schema: yaml.CORE_SCHEMA }), "taxonomy.yaml");
const md = createMarkdown();

/** Characters that mean something to Markdown, HTML, YAML, Nunjucks/Liquid or JavaScript templates. */
const META = ["<", ">", "&", '"', "'", "#", "*", "_", "[", "]", "(", ")", "!", "|", "-", "+", ":", "=", "/", "?", "@", "%", ";", ",", ".", "`", "~", "{", "}", "$", "\\", "^"];
const SNIPPETS = [
  "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "javascript:alert(1)", "[x](javascript:alert(1))", "{{ 7*7 }}", "{% raw %}", "${7*7}",
  "---", "- ", "key: value", "true", "null", "2023-01-01", "&amp;", "&#106;", "<!--", "-->", "```", "# ", "> ", "1. ", "| a | b |", "\\", "$5", "''", "``",
  "深度学习", "🤖", "é", "\u00A0", "\u200B", "\u202E", "\uFEFF", "\uE001", "\uE005", "\uE006", "\u2028", "𝔘𝔫𝔦",
];

const unit = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...META) },
  { weight: 3, arbitrary: fc.constantFrom(...SNIPPETS) },
  { weight: 3, arbitrary: fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 6 }) },
  { weight: 2, arbitrary: fc.string({ unit: "grapheme", minLength: 1, maxLength: 3 }) },
  // Any code point but surrogate halves (decoded text never holds those).
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 0x10ffff }).filter((c) => c < 0xd800 || c > 0xdfff).map((c) => String.fromCodePoint(c)) },
  { weight: 2, arbitrary: fc.constant(" ") },
);

/** One line of text as a dump would hold it: no line breaks or control characters (the reader removes those), trimmed. */
const line = (min: number, max: number) =>
  fc
    .array(unit, { minLength: 1, maxLength: 40 })
    .map((parts) => parts.join("").replace(/[\u0000-\u001F\u007F-\u009F\u2028\u2029\u0085]/g, " ").replace(/\s+/g, " ").trim())
    .filter((s) => s.length >= min && s.length <= max);

/** Title/abstract pairs with distinct titles (so that each entry is its own paper). */
const entries = fc.uniqueArray(fc.record({ title: line(1, 300), abstract: line(40, 2000) }), { minLength: 1, maxLength: 6, selector: (e) => e.title.toLowerCase() });

/** Syntax the text stage reads as TeX (text mode or math): those inputs are checked for safety, not for exact text. */
const TEX_LIKE = /[\\$^_{}~`]|''|[\uE000-\uE00F]/;
/** Text as shown: whitespace runs as one space, and the bidi overrides and isolates it leaves open closed at its end. */
const shown = (s: string) => closeBidi(squash(s));

function compactDump(items: { title: string; abstract: string }[]): string {
  return "Get trending papers in your email inbox!\n" + items.map((e, i) => `${i === 0 ? "Subscribe" : ""}${e.title}\n${e.abstract}`).join("\n") + "\n";
}

async function ingestInMemory(items: { title: string; abstract: string }[]) {
  const decoded = decodeDump("random.txt", Buffer.from(compactDump(items), "utf8"));
  assert.ok(decoded.text !== null);
  const s = await runPipeline(initialState({ dumps: [{ file: "random.txt", text: decoded.text }], warnings: decoded.warnings, registry: [], taxonomy, overrides: { file: "overrides.yaml", data: {}, lines: new Map() } }));
  return { state: s, texts: await pages(s.papers) };
}

/** Visible text of an HTML fragment, and whether KaTeX typeset anything in it. */
function visible(fragment: string): { text: string; math: boolean; unsafe: string[] } {
  const doc = parseHtml(`<div>${fragment}</div>`);
  return { text: squash(textOf(doc)), math: Boolean(find(doc, (e) => hasClass(e, "katex"))), unsafe: unsafeMarkup(doc) };
}

test("random titles and abstracts never fail the ingest, and every entry becomes one page", async () => {
  await fc.assert(
    fc.asyncProperty(entries, async (items) => {
      const { state, texts } = await ingestInMemory(items);
      assert.deepEqual(state.rejected, []);
      assert.equal(state.papers.length, items.length);
      assert.equal(texts.size, items.length);
      for (const p of state.papers) {
        assert.match(p.slug, SAFE_SLUG);
        assert.ok(p.slug.length <= 80);
      }
    }),
    { numRuns: 300 },
  );
});

test("the page front matter gives back every string exactly, whatever YAML it looks like", async () => {
  await fc.assert(
    fc.asyncProperty(entries, async (items) => {
      const { state, texts } = await ingestInMemory(items);
      const rawTitle = new Map(state.merged.map((m) => [m.id, m.rawTitle]));
      for (const p of state.papers) {
        const { data, content } = readFrontMatter(texts.get(`${p.slug}.md`)!);
        assert.equal(data.title, p.title.plain);
        assert.equal(data.titleMarkdown, p.title.markdown);
        assert.equal(data.description, p.abstract.plain);
        assert.equal(data.permalink, `/papers/${p.slug}/`);
        assert.deepEqual(data.sources, p.sources.map((s) => ({ file: s.file, line: s.line, title: s.title })));
        assert.equal(content.trim(), p.abstract.markdown.trim());
        assert.equal(squash((data.sources as { title: string }[])[0].title), squash(items.find((e) => e.title === rawTitle.get(p.id))!.title));
      }
    }),
    { numRuns: 300 },
  );
});

test("rendered titles and abstracts never contain markup from the input", async () => {
  await fc.assert(
    fc.asyncProperty(entries, async (items) => {
      const { state, texts } = await ingestInMemory(items);
      for (const p of state.papers) {
        const { data, content } = readFrontMatter(texts.get(`${p.slug}.md`)!);
        assert.deepEqual(visible(titleHtml(String(data.titleMarkdown)).html).unsafe, []);
        assert.deepEqual(visible(md.render(content)).unsafe, []);
      }
    }),
    { numRuns: 300 },
  );
});

test("titles and abstracts that stay prose (no TeX-like syntax, no math found) show exactly as written, nothing lost", async () => {
  await fc.assert(
    fc.asyncProperty(entries, async (items) => {
      const { state, texts } = await ingestInMemory(items);
      const rawTitle = new Map(state.merged.map((m) => [m.id, m.rawTitle]));
      for (const p of state.papers) {
        const item = items.find((e) => e.title === rawTitle.get(p.id))!;
        const { data, content } = readFrontMatter(texts.get(`${p.slug}.md`)!);
        if (!TEX_LIKE.test(item.title) && p.title.stats.mathSpans === 0) {
          const t = visible(titleHtml(String(data.titleMarkdown)).html);
          assert.deepEqual({ text: t.text, math: t.math }, { text: shown(item.title), math: false }, `title ${JSON.stringify(item.title)}`);
          assert.equal(p.title.plain, shown(item.title));
        }
        if (!TEX_LIKE.test(item.abstract) && p.abstract.stats.mathSpans === 0) {
          const a = visible(md.render(content));
          assert.deepEqual({ text: a.text, math: a.math }, { text: shown(item.abstract), math: false }, `abstract ${JSON.stringify(item.abstract)}`);
        }
      }
    }),
    { numRuns: 300 },
  );
});

test(
  "text without TeX syntax is never typeset as math",
  async () => {
    await fc.assert(
      fc.asyncProperty(line(1, 200), async (text) => {
        fc.pre(!TEX_LIKE.test(text));
        const { state } = await ingestInMemory([{ title: text, abstract: `An abstract long enough to be one, about: ${text}` }]);
        assert.equal(state.papers[0].title.stats.mathSpans, 0, `title ${JSON.stringify(text)} was typeset as math`);
      }),
      { numRuns: 200 },
    );
  },
);

test("full builds of random dumps show every title exactly and contain no input markup", { timeout: 240_000 }, async () => {
  await fc.assert(
    fc.asyncProperty(entries, async (items) => {
      const dir = mkdtempSync(path.join(os.tmpdir(), "property-build-"));
      try {
        const dumps = path.join(dir, "dumps");
        mkdirSync(dumps);
        writeFileSync(path.join(dumps, "random.txt"), compactDump(items));
        const out = path.join(dir, "site");
        const r = await build({ dumps, out, base: "/", strict: false, log: () => {} });
        assert.ok(r.ok);
        const cat = JSON.parse(readFileSync(path.join(out, "catalogue.json"), "utf8")) as { papers: { url: string; sources: { title: string }[] }[] };
        assert.equal(cat.papers.length, items.length);
        for (const p of cat.papers) {
          const doc = parseHtml(readFileSync(path.join(out, p.url, "index.html"), "utf8"));
          assert.deepEqual(unsafeMarkup(doc), []);
          const title = p.sources[0].title;
          if (!TEX_LIKE.test(title)) assert.equal(squash(textOf(find(doc, (e) => e.name === "h1")!)), shown(title));
        }
      } finally {
        removeBuildCache(path.join(dir, "dumps"), path.join(dir, "site"));
        rmSync(dir, { recursive: true, force: true });
      }
    }),
    { numRuns: 3, endOnFailure: true },
  );
});
