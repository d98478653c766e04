// `npm run score-topics`: classify the bundled dumps and print precision / recall per topic and
// overall (micro-averaged over (paper, topic) pairs) against the hand-labelled set test/eval/topics.json.
// Flags: --errors lists the mislabelled eval papers; --sizes lists every topic's size on the dumps.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import yaml from "js-yaml";
import { classify, UNSORTED_ID, validateTaxonomy } from "./stages/classify.ts";
import { evaluateTopics, type EvalItem } from "./stages/classify/evaluate.ts";
import { loadSeedPapers } from "../test/eval/seed-papers.ts";

const root = fileURLToPath(new URL("../", import.meta.url));
const taxonomyFile = root + "content/taxonomy.yaml";
const evalFile = root + "test/eval/topics.json";

let taxonomy;
try {
  taxonomy = validateTaxonomy(yaml.load(readFileSync(taxonomyFile, "utf8"), { filename: taxonomyFile }), taxonomyFile);
} catch (err) {
  console.error((err as Error).message);
  process.exit(1);
}
const items = JSON.parse(readFileSync(evalFile, "utf8")) as EvalItem[];
const papers = classify(loadSeedPapers(), taxonomy);
const report = evaluateTopics(papers, items);

const pct = (x: number) => x.toFixed(3);
const sizes = new Map<string, number>();
for (const p of papers) for (const t of p.topics) sizes.set(t, (sizes.get(t) ?? 0) + 1);

console.log(`Eval set: ${items.length} labelled papers, ${report.matched} found in ${papers.length} papers from the dumps`);
if (report.missing.length) console.log(`Not found: ${report.missing.join(" | ")}`);
console.log("");
console.log(`${"topic".padEnd(28)} ${"size".padStart(5)} ${"tp".padStart(4)} ${"fp".padStart(4)} ${"fn".padStart(4)} ${"prec".padStart(6)} ${"recall".padStart(6)}`);
const ids = [...taxonomy.topics.map((t) => t.id), UNSORTED_ID];
for (const id of ids) {
  const c = report.perTopic.get(id) ?? { tp: 0, fp: 0, fn: 0, precision: 1, recall: 1 };
  console.log(
    `${id.padEnd(28)} ${String(sizes.get(id) ?? 0).padStart(5)} ${String(c.tp).padStart(4)} ${String(c.fp).padStart(4)} ${String(c.fn).padStart(4)} ${pct(c.precision).padStart(6)} ${pct(c.recall).padStart(6)}`,
  );
}
const o = report.overall;
console.log("");
console.log(`overall (micro): precision ${pct(o.precision)}  recall ${pct(o.recall)}  F1 ${pct(o.f1)}  (tp ${o.tp}, fp ${o.fp}, fn ${o.fn})`);
const maxShare = [...sizes].filter(([id]) => id !== UNSORTED_ID).reduce((m, [, n]) => Math.max(m, n), -Infinity) / papers.length;
console.log(`largest topic: ${(100 * maxShare).toFixed(1)}% of papers; unsorted: ${(100 * (sizes.get(UNSORTED_ID) ?? 0) / papers.length).toFixed(1)}%`);
if (process.argv.includes("--errors")) {
  console.log("\nDisagreements (expected → predicted):");
  for (const e of report.errors) console.log(`  ${e.title}\n      ${e.expected.join(",")} → ${e.predicted.join(",")}`);
}
if (process.argv.includes("--unsorted")) {
  console.log("\nUnsorted papers:");
  for (const p of papers) if (p.topics[0] === UNSORTED_ID) console.log(`  ${p.title.plain}`);
}
