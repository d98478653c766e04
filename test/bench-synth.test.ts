// The benchmark's synthetic dumps: deterministic, in the three real layouts, and read back by the parser paper for paper.
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseDump } from "../scripts/stages/parse.ts";
import { dumpFiles, synthPapers } from "../scripts/bench/synth.ts";
import { bundledEntries } from "./helpers/bundled.ts";

const seed = bundledEntries();

test("the same seed gives the same synthetic dumps, another seed other ones", () => {
  const a = [...dumpFiles(synthPapers(seed, 500, 42), 100)];
  const b = [...dumpFiles(synthPapers(seed, 500, 42), 100)];
  const c = [...dumpFiles(synthPapers(seed, 500, 43), 100)];
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
});

test("synthetic dumps use all three layouts and parse back to their papers, none rejected", () => {
  const papers = synthPapers(seed, 600, 42);
  const layouts = new Set<string>();
  const read = [...dumpFiles(papers, 100)].flatMap(([file, text]) => {
    const r = parseDump(file, text);
    assert.deepEqual(r.rejected, [], file);
    layouts.add(r.layout);
    return r.entries;
  });
  assert.deepEqual([...layouts].sort(), ["compact", "page", "page-with-meta"]);
  assert.equal(read.length, papers.length);
  const byTitle = new Map(read.map((e) => [e.title, e]));
  for (const p of papers) {
    const e = byTitle.get(p.title);
    assert.ok(e, `not read back: ${p.title}`);
    assert.equal(e.abstract, p.abstract.replace(/\s+/g, " ").trim());
    assert.equal(e.date, p.date);
    assert.equal(e.upvotes, p.upvotes);
    assert.equal(e.authors, p.authors);
  }
});

test("synthetic titles are distinct and their texts come from the bundled dumps", () => {
  const papers = synthPapers(seed, 1000, 42);
  assert.equal(new Set(papers.map((p) => p.title)).size, papers.length);
  const words = new Set(seed.flatMap((e) => `${e.title} ${e.abstract}`.split(/\s+/)));
  for (const p of papers.slice(0, 100)) for (const w of p.title.split(" ")) assert.ok(words.has(w), w);
});
