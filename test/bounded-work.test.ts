// Bounded work: inputs that look ordinary but are extreme in one dimension (a very long word, a very wide array, a very
// long line, very many entries) give the right output. Their times are in `npm run bench:hostile`, not here.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { root } from "../scripts/build.ts";
import { bundledEntries, compactDumps, runStages, synthPapers } from "../scripts/bench/hostile.ts";
import { pageDump, prng } from "../scripts/bench/synth.ts";
import { stages } from "../scripts/pipeline.ts";
import { merge } from "../scripts/stages/merge.ts";
import { parseDump } from "../scripts/stages/parse.ts";
import { cleanText, extractLinks } from "../scripts/stages/text.ts";
import type { Entry } from "../scripts/types.ts";

const rand = prng(24);
const gene = (n: number) => Array.from({ length: n }, () => "ACGT"[Math.floor(rand() * 4)]).join("");

test("an 8,000-letter word (a gene sequence) stays text, letter for letter", () => {
  const word = gene(8000);
  const r = cleanText(`We sequence the region ${word} and compare it.`);
  assert.equal(r.markdown, `We sequence the region ${word} and compare it\\.`);
  assert.equal(r.stats.mathSpans, 0);
});

const row = Array.from({ length: 5000 }, (_, i) => `a_${i}`).join(" & ");

test("an array of 5,000 columns whose backslashes were stripped is left as escaped text and counted", () => {
  const r = cleanText(`The system is begin{array}{${"c".repeat(5000)}} ${row} end{array} as shown.`);
  assert.equal(r.stats.mathSpans, 0);
  assert.equal(r.stats.leftAsText, 1);
  assert.ok(r.markdown.startsWith(`The system is begin\\{array\\}\\{${"c".repeat(5000)}\\} a\\_0 \\& a\\_1 `));
  assert.ok(r.markdown.endsWith("end\\{array\\} as shown\\."));
});

test("a 5,000-column array in $…$ is too long to typeset: left as escaped text, counted and its raw TeX reported", () => {
  const tex = `\\begin{array}{${"c".repeat(5000)}} ${row} \\end{array}`;
  const r = cleanText(`The system is $${tex}$ as shown.`);
  assert.equal(r.stats.mathSpans, 0);
  assert.equal(r.stats.leftAsText, 1);
  assert.ok(r.markdown.startsWith("The system is \\$\\\\begin\\{array\\}"));
  assert.deepEqual(r.stats.rawTexLeft, ["\\begin", "\\end"]);
});

test("100,000 math tokens in a row (x^2 x^2 …) are one span, too long to typeset, left as text", () => {
  const r = cleanText(Array.from({ length: 100_000 }, () => "x^2").join(" "));
  assert.equal(r.stats.mathSpans, 0);
  assert.equal(r.stats.leftAsText, 1);
  assert.equal(r.plain, Array.from({ length: 100_000 }, () => "x^2").join(" "));
});

test("math next to a hostile span is still typeset", () => {
  const r = cleanText(`The rate is Oleft(k^{-3} right) while ${gene(5000)} and ${Array.from({ length: 5000 }, () => "x^2").join(" ")}.`);
  assert.equal(r.stats.mathSpans, 1);
  assert.ok(r.markdown.startsWith("The rate is $O\\left(k^{-3} \\right)$ while "));
});

test("a URL followed by 200,000 closing brackets keeps none of them; 100,000 URLs are listed once each", () => {
  assert.deepEqual(extractLinks(`see https://example.org/a${")".repeat(200_000)}`), ["https://example.org/a"]);
  const urls = Array.from({ length: 100_000 }, (_, i) => `https://example.org/${i % 50_000}`);
  const links = extractLinks(urls.join(" "));
  assert.equal(links.length, 50_000);
  assert.equal(links[49_999], "https://example.org/49999");
});

test("a code span holding 200,000 backtick runs gets a fence longer than any of them", () => {
  const r = cleanText(`Run texttt{${"`a".repeat(200_000)}} now.`);
  assert.ok(r.markdown.startsWith("Run `` `a`a"));
  assert.ok(r.markdown.endsWith("`a `` now\\."));
});

test("a line of 3,000 display blocks is read block after block", () => {
  const r = cleanText(Array.from({ length: 3000 }, () => "align* array{ll} u = 0 & x > 0 array align*").join(" so "));
  assert.equal(r.stats.mathSpans, 3000);
});

test("a dump line holding 1 MB of spaces is read, its trailing blanks dropped", () => {
  const blanks = " \t".repeat(500_000);
  const dump = `Get trending papers in your email inbox!\nSubscribeA Paper About Spaces${blanks}\nSpaces${blanks}end.${blanks}\n`;
  const r = parseDump("spaces.txt", dump);
  assert.equal(r.entries.length, 1);
  assert.equal(r.entries[0].title, "A Paper About Spaces");
  assert.equal(r.entries[0].abstract, `Spaces${blanks}end.`);
});

test("a compact dump of 140,000 entries goes through parse and merge with every entry kept", async () => {
  const papers = synthPapers(bundledEntries(), 140_000, 3).map((p) => ({ ...p, abstract: p.abstract.slice(0, 60) }));
  const s = await runStages(["parse", "merge"], compactDumps(papers, 140_000));
  assert.deepEqual(s.perDump.map((d) => [d.layout, d.entries]), [["compact", 140_000]]);
  assert.equal(s.rejected.length, 0);
  assert.equal(s.merged.reduce((n, m) => n + m.entries.length, 0), 140_000);
});

// 70,000 copies of a full paper build on the code before this test was written; 150,000 short copies did not.
test("150,000 copies of one paper go through every ingest stage and become one paper with the highest upvote count", async () => {
  const paper = { ...synthPapers(bundledEntries(), 1, 5)[0], date: "2024-03-05", authors: 3 };
  const short = { ...paper, abstract: paper.abstract.slice(0, 80) };
  const dump = pageDump(Array.from({ length: 150_000 }, (_, i) => ({ ...short, upvotes: (i * 7919) % 150_000 })));
  const s = await runStages(stages.map(([name]) => name), [["copies.txt", dump]]);
  assert.equal(s.papers.length, 1);
  assert.equal(s.papers[0].sources.length, 150_000);
  assert.equal(s.papers[0].upvotes, 149_999);
});

test("merge takes 200,000 entries of one paper", () => {
  const base: Entry = { source: { file: "a.txt", line: 1, title: "One Paper" }, title: "One Paper", abstract: "About one paper.", date: null, upvotes: null, authors: null, truncated: false };
  const entries = Array.from({ length: 200_000 }, (_, i): Entry => ({ ...base, source: { file: "a.txt", line: i + 1, title: "One Paper" }, upvotes: i }));
  const merged = merge(entries);
  assert.equal(merged.length, 1);
  assert.equal(merged[0].upvotes, 199_999);
  assert.equal(merged[0].entries.length, 200_000);
});

test("no source file spreads an array into push, Math.max, Math.min or String.fromCharCode (the stack holds about 100,000 arguments)", () => {
  const files = ["scripts", "layouts"].flatMap((dir) => readdirSync(path.join(root, dir), { recursive: true, encoding: "utf8" }).filter((f) => /\.(ts|js|mjs)$/.test(f)).map((f) => path.join(dir, f)));
  assert.ok(files.length > 50);
  const found = files.flatMap((f) =>
    readFileSync(path.join(root, f), "utf8").split("\n").flatMap((line, i) => (/\b(?:push|unshift|max|min|fromCharCode|fromCodePoint)\(\s*\.\.\./.test(line) ? [`${f}:${i + 1}: ${line.trim()}`] : [])),
  );
  assert.deepEqual(found, []);
});
