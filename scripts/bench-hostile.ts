// Hostile benchmark: for each case, the time of the stage(s) it exercises on the hostile input and on a normal input
// of the same size in bytes, and their ratio. Prints figures, asserts nothing.
// Usage: npm run bench:hostile [-- --only TEXT] (cases whose name contains TEXT).
import { cases as ownCases } from "./bench/hostile-cases.ts";
import { titleCases } from "./bench/hostile-titles.ts";
import type { HostileCase } from "./bench/hostile.ts";

/** Every case, each list from its own file. */
const cases: HostileCase[] = [...ownCases, ...titleCases()];

async function time(f: () => unknown): Promise<number> {
  const t0 = performance.now();
  await f();
  return performance.now() - t0;
}

const seconds = (ms: number) => (ms / 1000).toFixed(ms < 10_000 ? 3 : 1);

async function main(): Promise<void> {
  const at = process.argv.indexOf("--only");
  const only = at >= 0 ? process.argv[at + 1]?.toLowerCase() : undefined;
  const chosen = cases.filter((c) => !only || c.name.toLowerCase().includes(only));
  console.log(["case", "stages", "bytes", "hostile s", "normal s", "ratio"].join("\t"));
  for (const c of chosen) {
    const hostile = c.hostile();
    const bytes = c.bytes(hostile);
    const normal = c.normal(bytes);
    let hostileMs: number;
    let outcome = "";
    try {
      hostileMs = await time(() => c.run(hostile));
    } catch (e) {
      hostileMs = NaN;
      outcome = `  (hostile input failed: ${String(e).split("\n")[0]})`;
    }
    const normalMs = await time(() => c.run(normal));
    const ratio = Number.isNaN(hostileMs) ? "-" : (hostileMs / normalMs).toFixed(2);
    console.log([c.name, c.stages, bytes, Number.isNaN(hostileMs) ? "-" : seconds(hostileMs), seconds(normalMs), ratio].join("\t") + outcome);
  }
}

await main();
