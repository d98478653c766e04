// `tsx scripts/bench-search.ts [--dir site] [--query Sinkhorn] [--runs 5]`: what a first search costs in a real browser.
// Builds the bundled dumps into a temporary folder (unless --dir names a built site), serves it on 127.0.0.1 from a
// server process of its own and, in headless Chromium with an empty cache each run, opens /search/?q=<query> two ways:
// in a new window (a new context, left to settle first), and from the home page as the header search box does. Prints
// the bytes transferred in total (page, CSS, JS, pagefind.js and its wasm, index chunks, fragments; counted on the
// server's sockets, headers included) and the time from navigation start to the first result on screen, with where
// that time went (resource timings), plus a typed query on a loaded page. Then the same search on the site opened from
// disk (file://): the bytes of the files the page read and the time to the first result.
import path from "node:path";
import os from "node:os";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { fork } from "node:child_process";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { build, root } from "./build.ts";
import type { ServerMessage, ServerReport } from "./bench/search-server.ts";
import { launchChromium } from "../test/helpers/browser.ts";
import type { Page } from "playwright-core";

export const TARGET_BYTES = 250 * 1024;
export const TARGET_MS = 300;
/** Targets of a first search on the site opened from disk (bundled dumps). */
export const DISK_TARGET_BYTES = 300 * 1024;
export const DISK_TARGET_MS = 500;
const SETTLE_MS = 2500;

export interface SearchBenchRun {
  /** Bytes the server wrote for the whole first search (all responses, headers included). */
  bytes: number;
  /** Navigation start → first result in the list (ms). */
  firstResultMs: number;
  /** On an already loaded search page: Enter → first result (ms). */
  typedQueryMs: number;
  /** Per request: status, path and body bytes (Content-Length; the total above also counts headers). */
  requests: { path: string; bytes: number }[];
  /** Milestones of the first search (ms after navigation start), from the browser's resource timings. */
  phases: Phases;
}

/** Page in, search.js and pagefind.js in, Pagefind's index files in, fragments requested, first fragment in. */
export interface Phases {
  html: number;
  scripts: number;
  index: number;
  fragmentsRequested: number;
  firstFragment: number;
}

export interface SearchBenchResult {
  query: string;
  arrival: Arrival;
  runs: SearchBenchRun[];
  median: { bytes: number; firstResultMs: number; typedQueryMs: number; phases: Phases };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const most = (xs: number[]) => xs.reduce((a, b) => Math.max(a, b), -Infinity);
const least = (xs: number[]) => xs.reduce((a, b) => Math.min(a, b), Infinity);

/** Records in the page when the first result appears (`window.__firstResult`), and logs it. */
async function watchFirstResult(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as { __firstResult?: number };
    new MutationObserver((_, obs) => {
      if (document.querySelector("#search-results > li")) {
        w.__firstResult = performance.now();
        obs.disconnect();
        // Tells the benchmark without it polling the page (waitForSelector would run in the page while it measures).
        console.debug("bench-search: first result");
      }
    }).observe(document, { childList: true, subtree: true });
  });
}

function milestones(html: number, resources: { path: string; start: number; end: number }[]): Phases {
  const of = (re: RegExp) => resources.filter((r) => re.test(r.path));
  const fragments = of(/\.pf_fragment$/);
  const fragmentsRequested = least(fragments.map((r) => r.start));
  return {
    html,
    scripts: most(of(/\/(search|pagefind)\.js$/).map((r) => r.end)),
    index: most(of(/(pagefind-entry\.json|\.pf_meta|\.pagefind|\.pf_index|\.pf_filter)$/).filter((r) => r.start < fragmentsRequested).map((r) => r.end)),
    fragmentsRequested,
    firstFragment: least(fragments.map((r) => r.end)),
  };
}

/** How the reader reaches the search page: a new browser window, or the header search box of a page of the site. */
export type Arrival = "new window" | "from the site";

/** Starts scripts/bench/search-server.ts on `dir` in a child process. */
async function startSearchServer(dir: string) {
  const child = fork(path.join(root, "scripts/bench/search-server.ts"), [], { execArgv: ["--import", "tsx"], env: { ...process.env, BENCH_SITE: dir }, stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const next = () =>
    new Promise<ServerMessage | string>((resolve, reject) => {
      const exited = (code: number | null) => reject(new Error(`search server exited (${code})`));
      child.once("exit", exited);
      child.once("message", (m) => {
        child.off("exit", exited);
        resolve(m as ServerMessage | string);
      });
    });
  const { url } = (await next()) as { url: string };
  return {
    url,
    reset: async () => void (child.send("reset"), await next()),
    report: async () => (child.send("report"), (await next()) as ServerReport),
    stop: () => new Promise<void>((resolve) => (child.once("exit", () => resolve()), child.send("stop"))),
  };
}

/**
 * Measures first searches against a built site folder (served at "/" by a server in its own process). Each run is a new
 * browser context with an empty cache; `arrival` "from the site" first opens the home page, then empties the cache and
 * goes to the search page as the header search box does.
 */
export async function benchSearch(dir: string, query = "Sinkhorn", runs = 5, arrival: Arrival = "new window"): Promise<SearchBenchResult> {
  const server = await startSearchServer(dir);
  const browser = await launchChromium();
  const results: SearchBenchRun[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      if (arrival === "from the site") {
        await page.goto(server.url);
        const cdp = await context.newCDPSession(page);
        await cdp.send("Network.clearBrowserCache");
        await cdp.detach();
      }
      // Each new context opens a browser window, which may start renderers of the browser's own (Chromium 156 loaded
      // its omnibox popup UI in one: about 1 s of CPU on a 2-core machine). Let that settle first: a reader's browser is
      // not starting a window as they search, and on 2 cores it would otherwise compete with the page being measured.
      await page.waitForTimeout(SETTLE_MS);
      await watchFirstResult(page);
      await server.reset();
      const shown = page.waitForEvent("console", { predicate: (m) => m.text() === "bench-search: first result", timeout: 15_000 });
      await page.goto(`${server.url}search/?q=${encodeURIComponent(query)}`);
      await shown;
      await page.waitForLoadState("networkidle");
      const firstResultMs = await page.evaluate(() => (window as unknown as { __firstResult: number }).__firstResult);
      // Plain expressions only: tsx would wrap named inner functions in a helper the page does not have.
      const timings = await page.evaluate(() => ({
        html: (performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming).responseEnd,
        resources: (performance.getEntriesByType("resource") as PerformanceResourceTiming[]).map((r) => ({ path: new URL(r.name).pathname, start: r.startTime, end: r.responseEnd })),
      }));
      const phases = milestones(timings.html, timings.resources);
      const { bytes, requests } = await server.report();

      // A typed query on the loaded page (index already initialised by the first one; new words load new chunks).
      await page.fill("#search-q", "optimal transport");
      const typedQueryMs = await page.evaluate(
        () =>
          new Promise<number>((resolve) => {
            const list = document.getElementById("search-results")!;
            const t0 = performance.now();
            new MutationObserver((_, obs) => {
              if (list.querySelector("li")) {
                obs.disconnect();
                resolve(performance.now() - t0);
              }
            }).observe(list, { childList: true });
            (document.getElementById("search-form") as HTMLFormElement).requestSubmit();
          }),
      );
      results.push({ bytes, firstResultMs, typedQueryMs, requests, phases });
      await context.close();
    }
  } finally {
    await browser.close();
    await server.stop();
  }
  return {
    query,
    arrival,
    runs: results,
    median: {
      bytes: median(results.map((r) => r.bytes)),
      firstResultMs: median(results.map((r) => r.firstResultMs)),
      typedQueryMs: median(results.map((r) => r.typedQueryMs)),
      phases: Object.fromEntries(Object.keys(results[0].phases).map((k) => [k, median(results.map((r) => r.phases[k as keyof Phases]))])) as unknown as Phases,
    },
  };
}

const ARRIVALS: Arrival[] = ["new window", "from the site"];

export interface DiskSearchResult {
  query: string;
  runs: { bytes: number; files: number; firstResultMs: number }[];
  median: { bytes: number; firstResultMs: number };
}

/**
 * A first search on the site opened from disk: `search/index.html?q=<query>` as a file:// URL in a new window (a new
 * context, left to settle first). Bytes are the sizes of the files the page read (the browser reports each file:// load).
 */
export async function benchSearchDisk(dir: string, query = "Sinkhorn", runs = 5): Promise<DiskSearchResult> {
  const browser = await launchChromium();
  const results: DiskSearchResult["runs"] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.waitForTimeout(SETTLE_MS);
      await watchFirstResult(page);
      const files = new Set<string>();
      page.on("requestfinished", (r) => {
        if (r.url().startsWith("file:")) files.add(r.url().replace(/[?#].*$/, ""));
      });
      const shown = page.waitForEvent("console", { predicate: (m) => m.text() === "bench-search: first result", timeout: 15_000 });
      await page.goto(`${pathToFileURL(path.join(dir, "search/index.html")).href}?q=${encodeURIComponent(query)}`);
      await shown;
      await page.waitForLoadState("networkidle");
      const firstResultMs = await page.evaluate(() => (window as unknown as { __firstResult: number }).__firstResult);
      const bytes = [...files].reduce((n, u) => n + statSync(fileURLToPath(u)).size, 0);
      results.push({ bytes, files: files.size, firstResultMs });
      await context.close();
    }
  } finally {
    await browser.close();
  }
  return { query, runs: results, median: { bytes: median(results.map((r) => r.bytes)), firstResultMs: median(results.map((r) => r.firstResultMs)) } };
}

export function printDiskSearchBench(r: DiskSearchResult, judged = true): void {
  const kb = (b: number) => `${(b / 1024).toFixed(1)} KB`;
  const verdict = (ok: boolean) => (judged ? (ok ? "ok" : "OVER") : "for the bundled dumps; not applied here");
  const times = r.runs.map((x) => x.firstResultMs);
  console.log(`\nFirst search for "${r.query}" from disk (file://, no server) in headless Chromium, a new window, ${r.runs.length} runs (median):`);
  console.log(`  read from disk: ${kb(r.median.bytes)} in ${r.runs[0].files} files (target ≤ ${kb(DISK_TARGET_BYTES)}, ${verdict(r.median.bytes <= DISK_TARGET_BYTES)})`);
  console.log(`  navigation → first result: ${r.median.firstResultMs.toFixed(0)} ms, range ${least(times).toFixed(0)}–${most(times).toFixed(0)} ms (target ≤ ${DISK_TARGET_MS} ms, ${verdict(r.median.firstResultMs <= DISK_TARGET_MS)})`);
}

/**
 * Prints a result: the requests of the first run (with `requests`), bytes, times and where the time went. `judged`:
 * whether the catalogue is the bundled dumps, which the targets are set for (on a synthetic catalogue the targets are
 * shown, not applied).
 */
export function printSearchBench(r: SearchBenchResult, requests: boolean, judged = true): void {
  const kb = (b: number) => `${(b / 1024).toFixed(1)} KB`;
  const verdict = (ok: boolean) => (judged ? (ok ? "ok" : "OVER") : "for the bundled dumps; not applied here");
  console.log(`\nFirst search for "${r.query}" in headless Chromium, ${r.arrival === "new window" ? "opened in a new window" : "from the header search box of another page"}, empty cache, ${r.runs.length} runs (median):`);
  if (requests) {
    console.log("  request                                           bytes");
    for (const q of r.runs[0].requests) console.log(`  ${q.path.slice(0, 48).padEnd(48)} ${String(q.bytes).padStart(7)}`);
  }
  console.log(`  transferred in total: ${kb(r.median.bytes)} (target < ${kb(TARGET_BYTES)}, ${verdict(r.median.bytes < TARGET_BYTES)})`);
  const times = r.runs.map((x) => x.firstResultMs);
  console.log(
    `  navigation → first result: ${r.median.firstResultMs.toFixed(0)} ms, range ${least(times).toFixed(0)}–${most(times).toFixed(0)} ms (target < ${TARGET_MS} ms, ${verdict(r.median.firstResultMs < TARGET_MS)})`,
  );
  const p = r.median.phases;
  console.log(
    `  where it went (medians, ms after navigation start): page ${p.html.toFixed(0)}, search.js and pagefind.js ${p.scripts.toFixed(0)}, index files ${p.index.toFixed(0)}, fragments requested ${p.fragmentsRequested.toFixed(0)}, first fragment ${p.firstFragment.toFixed(0)}, first result ${r.median.firstResultMs.toFixed(0)}`,
  );
  console.log(`  typed query on the loaded page → first result: ${r.median.typedQueryMs.toFixed(0)} ms`);
  console.log(`  all runs: ${r.runs.map((x) => `${kb(x.bytes)} / ${x.firstResultMs.toFixed(0)} ms / ${x.typedQueryMs.toFixed(0)} ms`).join("; ")}`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      dir: { type: "string" },
      query: { type: "string", default: "Sinkhorn" },
      runs: { type: "string", default: "5" },
    },
  });
  let dir = values.dir ? path.resolve(values.dir) : "";
  let tmp = "";
  if (!dir) {
    tmp = mkdtempSync(path.join(os.tmpdir(), "bench-search-"));
    dir = path.join(tmp, "site");
    console.log("Building the bundled dumps…");
    await build({ dumps: path.join(root, "content/dumps"), out: dir, base: "/", strict: false, log: () => {} });
  }
  try {
    for (const arrival of ARRIVALS) printSearchBench(await benchSearch(dir, values.query, Number(values.runs), arrival), true);
    printDiskSearchBench(await benchSearchDisk(dir, values.query, Number(values.runs)));
  } finally {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e: Error) => {
    console.error(`bench-search failed: ${e.stack ?? e.message}`);
    process.exitCode = 1;
  });
}
