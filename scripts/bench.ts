// `npm run bench -- --papers N`: builds N synthetic papers end to end and prints time, memory and size per stage, and what a first search costs.
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { removeBuildState, root } from "./build.ts";
import { readDumps } from "./dumps-file.ts";
import { parseDump } from "./stages/parse.ts";
import { dumpFiles, synthPapers } from "./bench/synth.ts";
import { benchSearch, printSearchBench } from "./bench-search.ts";
import { diskModeCost } from "./search-disk.ts";

const { values } = parseArgs({
  options: {
    papers: { type: "string", default: "1000" },
    json: { type: "string" },
    "skip-incremental": { type: "boolean", default: false },
    keep: { type: "boolean", default: false },
  },
});
const n = Number(values.papers);
if (!Number.isInteger(n) || n < 1) throw new Error(`--papers ${values.papers}: expected a positive whole number`);

/** Sum of the resident memory of a process and all its descendants, in bytes (Linux /proc). */
function treeRss(pid: number): number {
  const children = new Map<number, number[]>();
  const rss = new Map<number, number>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const ppid = Number(fields[1]);
      rss.set(Number(name), Number(fields[21]) * 4096);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
    } catch {
      // The process ended while we looked.
    }
  }
  let total = 0;
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop()!;
    total += rss.get(p) ?? 0;
    for (const c of children.get(p) ?? []) stack.push(c);
  }
  return total;
}

interface Run {
  wall: number;
  peakBytes: number;
  stages: Record<string, { seconds: number; peakBytes?: number }>;
  counts: Record<string, number>;
}

/**
 * Waits until the machine has written out what earlier steps left in its page cache (`sync`): a build started while
 * gigabytes of the last one's output are still being flushed measures the disk, not the build; a reader's next build
 * comes minutes or days later. Returns the seconds it took.
 */
function settle(): number {
  const t0 = performance.now();
  spawnSync("sync");
  return (performance.now() - t0) / 1000;
}

async function runBuild(dumps: string, out: string): Promise<Run> {
  console.log(`(waited ${settle().toFixed(1)} s for the machine's pending writes before this build)`);
  const timingsFile = path.join(path.dirname(out), "timings.json");
  const t0 = Date.now();
  const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "scripts/build.ts"), "--dumps", dumps, "--out", out, "--timings", timingsFile], { stdio: ["ignore", "ignore", "inherit"] });
  const samples: [number, number][] = [];
  const timer = setInterval(() => samples.push([Date.now(), treeRss(child.pid!)]), 200);
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  clearInterval(timer);
  if (code !== 0) throw new Error(`build exited with ${code}`);
  const wall = (Date.now() - t0) / 1000;
  const t = JSON.parse(readFileSync(timingsFile, "utf8")) as { durations: Record<string, number>; marks: Record<string, [number, number]>; counts: Record<string, number> };
  const stages: Run["stages"] = {};
  for (const [name, ms] of Object.entries(t.durations)) stages[name] = { seconds: ms / 1000 };
  for (const [name, [start, end]] of Object.entries(t.marks)) {
    const inside = samples.filter(([at]) => at >= start && at <= end).map(([, b]) => b);
    if (stages[name]) stages[name].peakBytes = inside.length ? inside.reduce((a, b) => Math.max(a, b)) : undefined;
  }
  return { wall, peakBytes: samples.reduce((n, [, b]) => Math.max(n, b), 0), stages, counts: t.counts };
}

function dirSize(dir: string): { bytes: number; files: number } {
  let bytes = 0;
  let files = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) {
      bytes += statSync(path.join(e.parentPath, e.name)).size;
      files++;
    }
  }
  return { bytes, files };
}

const SEARCH_QUERY = "gradient descent";

const gb = (b?: number) => (b === undefined ? "" : (b / 1024 ** 3).toFixed(2) + " GB");

const work = mkdtempSync(path.join(os.tmpdir(), "catalogue-bench-"));
try {
  const seed = readDumps(path.join(root, "content/dumps")).dumps.flatMap((d) => parseDump(d.file, d.text).entries);
  const papers = synthPapers(seed, n + 200, 42);
  const dumps = path.join(work, "dumps");
  mkdirSync(dumps);
  const t0 = performance.now();
  for (const [file, text] of dumpFiles(papers.slice(0, n))) writeFileSync(path.join(dumps, file), text);
  console.log(`Generated ${n} papers in ${((performance.now() - t0) / 1000).toFixed(1)} s (${readdirSync(dumps).length} dumps)`);
  const out = path.join(work, "site");

  const full = await runBuild(dumps, out);
  const size = dirSize(out);
  const pagesPerSecond = (s: string) => (full.stages[s] ? (n / full.stages[s].seconds).toFixed(0) : "");
  console.log(`\nFull build of ${n} papers: ${full.wall.toFixed(1)} s wall, peak memory ${gb(full.peakBytes)}, output ${(size.bytes / 1024 ** 2).toFixed(0)} MB in ${size.files} files`);
  console.log("stage        seconds   peak memory   papers/s");
  for (const [name, s] of Object.entries(full.stages)) console.log(`${name.padEnd(12)} ${s.seconds.toFixed(2).padStart(7)}   ${gb(s.peakBytes).padStart(11)}   ${pagesPerSecond(name).padStart(8)}`);

  // A first search on the built catalogue, in Chromium (see bench-search.ts); a query most papers' words match, so that
  // every search bundle has results to send.
  const search = await benchSearch(out, SEARCH_QUERY, 3);
  printSearchBench(search, false, false);
  // What the disk mode adds (scripts/search-disk.ts): Pagefind's classic build per bundle, and the twins that
  // --no-disk-search leaves out.
  const disk = diskModeCost(out);
  console.log(`\nDisk mode (search from file://): ${(disk.bytes / 1024 ** 2).toFixed(1)} MB in ${disk.files} files of the output (${((100 * disk.bytes) / size.bytes).toFixed(0)}% of its bytes, ${((100 * disk.files) / size.files).toFixed(0)}% of its files)`);

  let incremental: Run | undefined;
  if (!values["skip-incremental"]) {
    for (const [file, text] of dumpFiles(papers.slice(n), 200, "zz_added")) writeFileSync(path.join(dumps, file), text);
    incremental = await runBuild(dumps, out);
    console.log(`\nRebuild after adding one dump of 200 papers: ${incremental.wall.toFixed(1)} s wall, peak ${gb(incremental.peakBytes)}; ${incremental.counts.pagesRendered} paper pages rendered, ${incremental.counts.pagesReused} reused; related papers searched for ${incremental.counts.relatedSearched} papers`);
    for (const [name, s] of Object.entries(incremental.stages)) console.log(`  ${name.padEnd(12)} ${s.seconds.toFixed(2).padStart(7)} s`);
    console.log(`  ingest + Eleventy, from the start of one to the end of the other: ${incremental.stages.ingestAndEleventy?.seconds.toFixed(2)} s (target < 20 s)`);
  }

  const figures = {
    papers: n,
    machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model ?? "", memoryGB: Math.round(os.totalmem() / 1024 ** 3), node: process.version },
    full: { wallSeconds: full.wall, peakBytes: full.peakBytes, stages: full.stages, outputBytes: size.bytes, outputFiles: size.files, eleventyMsPerPage: (full.stages.eleventy?.seconds ?? 0) * 1000 / n },
    diskMode: { bytes: disk.bytes, files: disk.files },
    search: { query: search.query, arrival: search.arrival, bytes: search.median.bytes, firstResultMs: search.median.firstResultMs, typedQueryMs: search.median.typedQueryMs },
    incremental: incremental && { wallSeconds: incremental.wall, peakBytes: incremental.peakBytes, stages: incremental.stages, counts: incremental.counts },
  };
  const jsonFile = values.json ?? path.join(root, "bench", `results-${n}.json`);
  mkdirSync(path.dirname(jsonFile), { recursive: true });
  writeFileSync(jsonFile, JSON.stringify(figures, null, 1) + "\n");
  console.log(`\nFigures written to ${path.relative(process.cwd(), jsonFile)}`);
} finally {
  if (!values.keep) {
    // The generated Markdown pages live in the temporary folder too (1.7 GB at 100,000 papers), the caches in
    // node_modules/.cache.
    removeBuildState(path.join(work, "dumps"), path.join(work, "site"));
    rmSync(work, { recursive: true, force: true });
  }
  else console.log(`kept ${work}`);
}
