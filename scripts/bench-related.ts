// Benchmark of the related stage: N synthetic papers recombined from the bundled dumps' titles and
// sentences (deterministic PRNG), timed through `relate`. Usage: tsx scripts/bench-related.ts [N ...]
// (default 10000 100000). Prints build time, pruning counters and a sanity check of the output.
import { loadavg } from "node:os";
import { relate } from "./stages/related.ts";
import type { CleanText, Paper } from "./types.ts";
import { loadSeedPapers } from "../test/eval/seed-papers.ts";
import { prng } from "./bench/synth.ts";

const text = (s: string): CleanText => ({ markdown: s, plain: s, stats: { mathSpans: 0, leftAsText: 0, textCommands: 0, rawTexLeft: [] } });

export function syntheticPapers(n: number, seed = 42): Paper[] {
  const seeds = loadSeedPapers();
  const titles = seeds.map((p) => p.title.plain.split(/\s+/));
  const sentences = seeds.flatMap((p) => p.abstract.plain.split(/(?<=[.!?])\s+(?=[A-Z])/)).filter((s) => s.length > 20);
  const rnd = prng(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)];
  const out: Paper[] = [];
  for (let i = 0; i < n; i++) {
    const a = pick(titles), b = pick(titles);
    const title = [...a.slice(0, Math.ceil(a.length / 2)), ...b.slice(Math.floor(b.length / 2))].join(" ");
    const k = 5 + Math.floor(rnd() * 5);
    const abstract = Array.from({ length: k }, () => pick(sentences)).join(" ");
    const id = (i * 2654435761 >>> 0).toString(16).padStart(8, "0") + i.toString(16).padStart(8, "0");
    out.push({
      id, slug: `p-${i}`, title: text(title), abstract: text(abstract),
      date: null, upvotes: null, authors: null, links: [], topics: [], keywords: [], related: [], sources: [],
    });
  }
  return out;
}

if (process.argv[1]?.endsWith("bench-related.ts")) main();
function main(): void {
const sizes = process.argv.slice(2).map(Number).filter((x) => x > 0);
for (const n of sizes.length ? sizes : [10_000, 100_000]) {
  const papers = syntheticPapers(n);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let stats = { cappedTerms: 0, budgetHits: 0 };
  const out = relate(papers, { onStats: (s) => (stats = s) });
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  const load = loadavg()[0].toFixed(1);
  const full = out.filter((p) => p.related.length === 5 && p.related.every((r) => r.terms.length >= 2 && r.terms.length <= 4)).length;
  const rss = Math.round(process.memoryUsage().rss / 2 ** 20);
  console.log(
    `N=${n}: relate ${(ms / 1000).toFixed(2)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s CPU, load average ${load} (capped posting lists: ${stats.cappedTerms}, queries out of budget: ${stats.budgetHits}; ` +
      `${full}/${n} papers with 5 related of 2–4 terms; rss ${rss} MiB)`,
  );
}
}
