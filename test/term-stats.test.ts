// Frozen term statistics (term-stats.json beside the dumps): an input of the related stage that the ingest writes,
// reads back, reports when damaged and counts afresh.
import { test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { root } from "../scripts/build.ts";
import { ingest } from "../scripts/ingest.ts";

const TAXONOMY = path.join(root, "content/taxonomy.yaml");

function workspace() {
  const dir = mkdtempSync(path.join(os.tmpdir(), "term-stats-"));
  const dumps = path.join(dir, "dumps");
  mkdirSync(dumps);
  const bundled = path.join(root, "content/dumps");
  const first = readdirSync(bundled).sort()[0];
  copyFileSync(path.join(bundled, first), path.join(dumps, first));
  const run = () => ingest({ dumps, papersDir: path.join(dir, "papers"), state: dir, taxonomy: TAXONOMY, cache: null });
  return { dir, file: path.join(dir, "term-stats.json"), run, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

test("a damaged term-stats.json is reported with its file name and counted afresh, giving the same pages", async () => {
  const w = workspace();
  try {
    const first = await w.run();
    const good = readFileSync(w.file, "utf8");
    const stats = JSON.parse(good) as { papers: number; terms: unknown[][] };
    assert.equal(stats.papers, first.state.papers.length);
    assert.ok(stats.terms.length > 100 && stats.terms.every((t) => typeof t[0] === "string" && (t[1] as number) >= 2));
    const keywords = first.state.papers.map((p) => [p.keywords, p.related]);

    const oneTerm = good.split("\n").find((l) => l.startsWith('["'))!;
    for (const bad of ["{", '{"version": 1, "papers": 3}', good.replace(oneTerm, oneTerm.replace(/,(\d+),/, ",1,")), good.replace(oneTerm, `${oneTerm},\n${oneTerm}`)]) {
      writeFileSync(w.file, bad);
      const again = await w.run();
      const warning = again.state.warnings.find((x) => x.file === w.file);
      assert.ok(warning && /term statistics counted afresh/.test(warning.message), JSON.stringify(again.state.warnings));
      assert.equal(readFileSync(w.file, "utf8"), good);
      assert.deepEqual(again.state.papers.map((p) => [p.keywords, p.related]), keywords);
    }
  } finally {
    w.cleanup();
  }
});

test("the frozen statistics are an input: a display form edited in term-stats.json shows on the pages", async () => {
  const w = workspace();
  try {
    const first = await w.run();
    const shown = first.state.papers.find((p) => p.keywords.length)!.keywords[0];
    const good = readFileSync(w.file, "utf8");
    const line = good.split("\n").find((l) => l.startsWith("[") && (JSON.parse(l.replace(/,$/, "")) as string[])[2] === shown)!;
    const entry = JSON.parse(line.replace(/,$/, "")) as [string, number, string];
    const edited = JSON.stringify([entry[0], entry[1], `${shown} (edited)`]) + (line.endsWith(",") ? "," : "");
    writeFileSync(w.file, good.replace(line, edited));
    const again = await w.run();
    assert.ok(again.state.papers.some((p) => p.keywords.includes(`${shown} (edited)`)), `${entry[0]} not shown as edited`);
    assert.equal(again.state.warnings.length, first.state.warnings.length);
  } finally {
    w.cleanup();
  }
});
