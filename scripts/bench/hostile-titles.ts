// Hostile benchmark case: thousands of entries with one title, through the merge and permalink stages, beside a normal input of the same size.
// Run: npx tsx scripts/bench/hostile-titles.ts [--entries N]   (default 20,000)
import path from "node:path";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { readDumps } from "../io.ts";
import { parseDump } from "../stages/parse.ts";
import { merge } from "../stages/merge.ts";
import { assignSlugs, type RegistryEntry } from "../stages/permalinks.ts";
import type { Entry } from "../types.ts";
import { prng, synthPapers } from "./synth.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** One input: its name and its entries. */
export interface HostileCase {
  name: string;
  entries: Entry[];
}

const entry = (title: string, abstract: string, line: number): Entry => ({ source: { file: "bench.txt", line, title }, title, abstract, date: null, upvotes: null, authors: null, truncated: false });

/**
 * The inputs, `n` entries each: distinct synthetic papers (the normal input); one title for every entry, each with an
 * abstract of its own; one title and one 400-character opening, different continuations; one title and one abstract
 * with a different typo in each copy (one paper).
 */
export function hostileTitleCases(n: number): HostileCase[] {
  const seed = readDumps(path.join(root, "content/dumps")).dumps.flatMap((d) => parseDump(d.file, d.text).entries);
  const papers = synthPapers(seed, n, 7);
  const title = "Attention Is All You Need";
  const opening = papers[0].abstract.padEnd(400, " More text.").slice(0, 400);
  const rand = prng(11);
  const typo = (s: string) => {
    const i = Math.floor(rand() * s.length);
    return s.slice(0, i) + (s[i] === "e" ? "a" : "e") + s.slice(i + 1);
  };
  return [
    { name: "normal: distinct titles", entries: papers.map((p, i) => entry(p.title, p.abstract, i + 1)) },
    { name: "one title, distinct abstracts", entries: papers.map((p, i) => entry(title, p.abstract, i + 1)) },
    { name: "one title, one 400-char opening", entries: papers.map((p, i) => entry(title, `${opening} ${p.abstract}`, i + 1)) },
    { name: "one title, one abstract with typos", entries: papers.map((_, i) => entry(title, typo(papers[0].abstract), i + 1)) },
  ];
}

/**
 * Milliseconds of merge + slug assignment on a fresh registry, then again against the registry that run left: wall
 * time, and CPU time of this process (what a loaded machine changes least).
 */
export function timeCase(c: HostileCase): { papers: number; firstMs: number; againMs: number; firstCpuMs: number; againCpuMs: number } {
  const run = (registry: RegistryEntry[]) => {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const merged = merge(c.entries);
    const out = assignSlugs(
      merged.map((m) => ({ id: m.id, key: m.key, fingerprint: m.fingerprint, title: m.entries[0].title })),
      registry,
    );
    const cpu = process.cpuUsage(c0);
    return { ms: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000, papers: merged.length, registry: out.registry };
  };
  const first = run([]);
  const again = run(first.registry);
  return { papers: first.papers, firstMs: first.ms, againMs: again.ms, firstCpuMs: first.cpuMs, againCpuMs: again.cpuMs };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { entries: { type: "string", default: "20000" } } });
  const n = Number(values.entries);
  console.log(`merge + permalinks, ${n.toLocaleString("en")} entries per input; ms wall (CPU): fresh registry, then again with the registry it left`);
  for (const c of hostileTitleCases(n)) {
    const r = timeCase(c);
    const ms = (wall: number, cpu: number) => `${wall.toFixed(0).padStart(7)} (${cpu.toFixed(0)})`;
    console.log(`${c.name.padEnd(36)} ${String(r.papers).padStart(6)} papers ${ms(r.firstMs, r.firstCpuMs)} ${ms(r.againMs, r.againCpuMs)}`);
  }
}
