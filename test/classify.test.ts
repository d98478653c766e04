import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import yaml from "js-yaml";
import { classify, literalStarts, scoreTopics, UNSORTED_ID, validateTaxonomy } from "../scripts/stages/classify.ts";
import { evaluateTopics, type EvalItem } from "../scripts/stages/classify/evaluate.ts";
import { loadSeedPapers } from "./eval/seed-papers.ts";

const root = fileURLToPath(new URL("../", import.meta.url));
const taxonomyFile = root + "content/taxonomy.yaml";
const load = (file: string) => yaml.load(readFileSync(file, "utf8"));
const taxonomy = validateTaxonomy(load(taxonomyFile), taxonomyFile);
const papers = classify(loadSeedPapers(), taxonomy);

test("the taxonomy validates and has slug ids, names and one-line descriptions", () => {
  assert.ok(taxonomy.topics.length >= 10);
  for (const t of taxonomy.topics) {
    assert.match(t.id, /^[a-z0-9]+(-[a-z0-9]+)*$/);
    assert.ok(t.name.length > 0 && t.description.length > 0 && !t.description.includes("\n"));
  }
  assert.ok(!taxonomy.topics.some((t) => t.id === UNSORTED_ID));
});

test("every paper gets 1–3 known topics, deterministically", () => {
  const ids = new Set([...taxonomy.topics.map((t) => t.id), UNSORTED_ID]);
  for (const p of papers) {
    assert.ok(p.topics.length >= 1 && p.topics.length <= 3, p.title.plain);
    assert.equal(new Set(p.topics).size, p.topics.length);
    for (const t of p.topics) assert.ok(ids.has(t), t);
    if (p.topics.includes(UNSORTED_ID)) assert.deepEqual(p.topics, [UNSORTED_ID]);
  }
  assert.deepEqual(classify(loadSeedPapers().reverse(), taxonomy).reverse().map((p) => p.topics), papers.map((p) => p.topics));
});

test("topic sizes on the bundled dumps: none over 30%, unsorted at most 3%", () => {
  const sizes = new Map<string, number>();
  for (const p of papers) for (const t of p.topics) sizes.set(t, (sizes.get(t) ?? 0) + 1);
  for (const [id, n] of sizes) {
    if (id !== UNSORTED_ID) assert.ok(n <= 0.3 * papers.length, `${id}: ${n} of ${papers.length}`);
  }
  assert.ok((sizes.get(UNSORTED_ID) ?? 0) <= 0.03 * papers.length, `unsorted: ${sizes.get(UNSORTED_ID)}`);
});

test("precision and recall on the hand-labelled eval set are at least 0.85", () => {
  const items = JSON.parse(readFileSync(root + "test/eval/topics.json", "utf8")) as EvalItem[];
  assert.ok(items.length >= 80);
  const report = evaluateTopics(papers, items);
  assert.deepEqual(report.missing, []);
  assert.ok(report.overall.precision >= 0.85, `precision ${report.overall.precision}`);
  assert.ok(report.overall.recall >= 0.85, `recall ${report.overall.recall}`);
});

test("a malformed taxonomy gives an error naming the file and the bad value", () => {
  const file = root + "test/fixtures/classify/bad-taxonomy.yaml";
  assert.throws(
    () => validateTaxonomy(load(file), file),
    (err: Error) =>
      err.message.includes("bad-taxonomy.yaml") &&
      err.message.includes("topics[0].id") &&
      err.message.includes('"Optimisation Theory"') &&
      err.message.includes("topics[0].rules[0].weight"),
  );
  assert.throws(() => validateTaxonomy({ topics: [{ id: "x", name: "X", description: "d", rules: [{ match: "(", weight: 1 }] }] }, "t.yaml"), /t\.yaml.*\n.*topics\[0\]\.rules\[0\]\.match/);
  assert.throws(() => validateTaxonomy(null, "empty.yaml"), /empty\.yaml/);
});

test("the literal-start shortcut never changes a score: every rule scored the slow way agrees on the seeds", () => {
  const { titleWeight, abstractCap } = taxonomy.settings;
  const slow = (title: string, abstract: string) =>
    taxonomy.topics.map((t) => {
      let score = 0;
      for (const r of t.rules) {
        const re = new RegExp(`(?<![\\p{L}\\p{N}])(?:${r.match})`, r.case ? "gu" : "giu");
        const field = r.field ?? "both";
        if (field !== "abstract" && re.test(title)) score += r.weight * titleWeight;
        re.lastIndex = 0;
        let n = 0;
        if (field !== "title") while (n < abstractCap && re.exec(abstract) !== null) n++;
        score += r.weight * n;
      }
      return { id: t.id, score: Math.round(score * 1000) / 1000 };
    });
  for (const p of loadSeedPapers()) assert.deepEqual(scoreTopics(p.title.plain, p.abstract.plain, taxonomy), slow(p.title.plain, p.abstract.plain), p.title.plain);
});

test("literal starts come from every top-level alternative, or none when one has no literal", () => {
  assert.deepEqual(literalStarts("minimax|min-max|saddle[- ]points?", false), ["minimax", "min-max", "saddle"]);
  assert.deepEqual(literalStarts("hessians?\\b", false), ["hessian"]);
  assert.deepEqual(literalStarts("non-?convex", false), ["non"]);
  assert.equal(literalStarts("(strongly |weakly )?convex", false), null);
  assert.deepEqual(literalStarts("SAM\\b", true), ["SAM"]);
});

test("literal starts look inside a leading group and past a leading word boundary", () => {
  assert.deepEqual(literalStarts("(oracle|iteration) complexity", false), ["oracle", "iteration"]);
  assert.deepEqual(literalStarts("reinforcement learning|\\brl\\b", false), ["reinforcement learning", "rl"]);
  assert.equal(literalStarts("(a|b)? x", false), null);
});
