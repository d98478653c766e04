// `npm run lighthouse`: Lighthouse's four category scores for the home page, a paper page (with math) and a topic page.
// Builds the bundled dumps into a temp folder (or takes --site DIR, built with --base given here), serves it on
// 127.0.0.1, starts Debian's Chromium with a DevTools port and runs Lighthouse's default (mobile, simulated slow 4G)
// audit on each page. Exits 1 when a score is below --min (default 95).
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import lighthouse from "lighthouse";
import { build, normaliseBase, root } from "./build.ts";
import { startServer } from "./serve.ts";

const CATEGORIES = ["performance", "accessibility", "best-practices", "seo"] as const;

/** Starts headless Chromium with a DevTools port and returns the port (read from its "DevTools listening" line). */
function startChromium(executable: string, profile: string): Promise<{ port: number; child: ChildProcess }> {
  const child = spawn(executable, ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", `--user-data-dir=${profile}`, "--remote-debugging-port=0", "about:blank"], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  return new Promise((resolve, reject) => {
    let err = "";
    const timer = setTimeout(() => reject(new Error(`Chromium did not open a DevTools port:\n${err}`)), 30_000);
    child.stderr!.on("data", (d: Buffer) => {
      err += d.toString();
      const m = /DevTools listening on ws:\/\/[^:]+:(\d+)\//.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve({ port: Number(m[1]), child });
      }
    });
    child.on("error", reject);
    child.on("exit", (code) => reject(new Error(`Chromium exited (${code}):\n${err}`)));
  });
}

/** A paper page whose abstract has typeset math, and the largest topic's first page. */
function pagesOf(dir: string): Record<string, string> {
  const papers = readdirSync(path.join(dir, "papers")).sort();
  const math = papers.find((p) => /<section class="abstract"[^>]*>[\s\S]*class="katex"/.test(readFileSync(path.join(dir, "papers", p, "index.html"), "utf8"))) ?? papers[0];
  const catalogue = JSON.parse(readFileSync(path.join(dir, "catalogue.json"), "utf8")) as { papers: { topics: string[] }[] };
  const counts = new Map<string, number>();
  for (const p of catalogue.papers) for (const t of p.topics) counts.set(t, (counts.get(t) ?? 0) + 1);
  const topic = [...counts.entries()].sort((a, b) => b[1] - a[1])[0][0];
  return { home: "", paper: `papers/${math}/`, topic: `topics/${topic}/` };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      site: { type: "string" },
      base: { type: "string", default: "/" },
      min: { type: "string", default: "95" },
      chromium: { type: "string", default: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium" },
    },
  });
  const base = normaliseBase(values.base!);
  const tmp = mkdtempSync(path.join(os.tmpdir(), "catalogue-lighthouse-"));
  let dir = values.site ? path.resolve(values.site) : path.join(tmp, "site");
  let chromium: ChildProcess | undefined;
  const server = await (async () => {
    if (!values.site) {
      console.log(`Building the bundled dumps into ${dir} (base ${base})…`);
      const r = await build({ dumps: path.join(root, "content/dumps"), out: dir, base, strict: false, log: () => {} });
      if (!r.ok) throw new Error("build failed");
    }
    return startServer({ dir, base, port: 0, host: "127.0.0.1" });
  })();
  let failed = false;
  try {
    const c = await startChromium(values.chromium!, path.join(tmp, "profile"));
    chromium = c.child;
    const rows: string[][] = [];
    for (const [name, sitePath] of Object.entries(pagesOf(dir))) {
      const url = server.url + sitePath;
      const result = await lighthouse(url, { port: c.port, output: "json", logLevel: "error", onlyCategories: [...CATEGORIES] });
      if (!result) throw new Error(`Lighthouse returned nothing for ${url}`);
      const lhr = result.lhr;
      if (lhr.runtimeError) throw new Error(`${url}: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
      const scores = CATEGORIES.map((k) => Math.round((lhr.categories[k]?.score ?? 0) * 100));
      if (scores.some((s) => s < Number(values.min))) {
        failed = true;
        for (const k of CATEGORIES) {
          for (const ref of lhr.categories[k]?.auditRefs ?? []) {
            const a = lhr.audits[ref.id];
            if (ref.weight > 0 && a.score !== null && a.score < 1) console.log(`  ${name} ${k}: ${a.id} ${a.score} ${a.displayValue ?? ""} — ${a.title}`);
          }
        }
      }
      rows.push([name, sitePath || "/", ...scores.map(String)]);
    }
    const header = ["page", "path", ...CATEGORIES];
    const widths = header.map((h, i) => rows.reduce((n, r) => Math.max(n, r[i].length), h.length));
    for (const r of [header, ...rows]) console.log(r.map((c, i) => c.padEnd(widths[i])).join("  "));
    if (failed) console.log(`A score is below ${values.min}.`);
  } finally {
    if (chromium && chromium.exitCode === null) {
      const exited = new Promise((r) => chromium!.once("exit", r));
      chromium.kill();
      await exited;
    }
    await server.close();
    rmSync(tmp, { recursive: true, force: true });
  }
  process.exitCode = failed ? 1 : 0;
}

main().catch((e: Error) => {
  console.error(`lighthouse failed: ${e.stack ?? e.message}`);
  process.exitCode = 1;
});
