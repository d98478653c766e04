// End-to-end: a catalogue indexed in several Pagefind bundles searches like one (real headless Chromium). The bundled
// dumps are built twice, in one bundle and in shards of 150 pages (three bundles), and the same searches must agree.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import os from "node:os";
import { mkdtempSync, rmSync } from "node:fs";
import { pathToFileURL } from "node:url";
import type { Browser, Page } from "playwright-core";
import { build, root } from "../../scripts/build.ts";
import { serve, type RunningServer } from "../helpers/server.ts";
import { removeBuildCache } from "../helpers/cache.ts";
import { launchChromium, guardedContext } from "../helpers/browser.ts";

let tmp: string;
let one: RunningServer;
let three: RunningServer;
let browser: Browser;

before(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), "search-bundles-e2e-"));
  const dumps = path.join(root, "content/dumps");
  const a = await build({ dumps, out: path.join(tmp, "one"), base: "/", strict: false, log: () => {} });
  const b = await build({ dumps, out: path.join(tmp, "three"), base: "/", strict: false, log: () => {}, searchShard: 150 });
  assert.ok(a.ok && b.ok);
  assert.equal(a.counts.searchShards, 1);
  assert.equal(b.counts.searchShards, 3);
  one = await serve(path.join(tmp, "one"));
  three = await serve(path.join(tmp, "three"));
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await one?.close();
  await three?.close();
  if (tmp) {
    for (const out of [path.join(tmp, "one"), path.join(tmp, "three")]) removeBuildCache(path.join(root, "content/dumps"), out);
    rmSync(tmp, { recursive: true, force: true });
  }
});

interface Found {
  status: string;
  hrefs: string[];
  dates: (string | null)[];
  requests: string[];
}

/** Opens /search/<query> on `server`, shows every result ("More results" until gone) and returns what is listed. */
async function search(server: RunningServer, query: string): Promise<Found> {
  const guard = await guardedContext(browser, server.origin);
  try {
    const page: Page = await guard.context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${server.url}search/${query}`);
    await page.waitForFunction(() => /^(No|\d+) papers?\b/.test(document.getElementById("search-status")?.textContent ?? ""));
    while (await page.isVisible("#search-more")) {
      const before = await page.locator("#search-results > li").count();
      await page.click("#search-more");
      await page.waitForFunction((n) => document.querySelectorAll("#search-results > li").length > n, before);
    }
    const status = (await page.textContent("#search-status")) ?? "";
    const hrefs = await page.$$eval("#search-results > li a.paper-title", (as) => as.map((a) => a.getAttribute("href") ?? ""));
    const dates = await page.$$eval("#search-results > li", (lis) => lis.map((li) => li.querySelector("time")?.getAttribute("datetime") ?? null));
    assert.deepEqual(guard.foreign, [], "requests to hosts other than the local server");
    assert.deepEqual(guard.errors, [], "console errors");
    return { status, hrefs, dates, requests: guard.requests };
  } finally {
    await guard.context.close();
  }
}

test("a query over three bundles finds the same papers as over one, and loads every bundle", async () => {
  const a = await search(one, "?q=Sinkhorn");
  const b = await search(three, "?q=Sinkhorn");
  assert.ok(a.hrefs.length >= 2, "the Sinkhorn papers are found");
  assert.equal(b.status, a.status);
  assert.deepEqual([...b.hrefs].sort(), [...a.hrefs].sort());
  for (const bundle of ["/pagefind/", "/pagefind-1/", "/pagefind-2/"]) assert.ok(b.requests.some((r) => r.includes(bundle)), `${bundle} loaded`);
  // The bundles share one WebAssembly file (the same Pagefind wrote them all): it is fetched once.
  assert.deepEqual(b.requests.filter((r) => /wasm\.[\w-]+\.pagefind/.test(r)).map((r) => new URL(r).pathname), ["/pagefind/wasm.en.pagefind"]);
});

test("sorting by newest over three bundles orders every result by date, undated last, like one bundle", async () => {
  const a = await search(one, "?q=learning&sort=newest");
  const b = await search(three, "?q=learning&sort=newest");
  assert.ok(b.hrefs.length > 20, "enough results to cross bundles");
  assert.equal(b.hrefs.length, a.hrefs.length);
  const dated = b.dates.filter((d): d is string => d !== null);
  assert.ok(dated.length >= 2, "some results are dated");
  assert.deepEqual(dated, [...dated].sort().reverse(), "dates descend");
  const firstUndated = b.dates.indexOf(null);
  assert.ok(firstUndated === -1 || b.dates.slice(firstUndated).every((d) => d === null), "undated papers come last");
  assert.deepEqual(b.dates, a.dates, "the same date order as one bundle");
});

test("a topic filter over three bundles narrows to the same papers as over one", async () => {
  const a = await search(one, "?q=model&topic=optimization-theory");
  const b = await search(three, "?q=model&topic=optimization-theory");
  assert.ok(a.hrefs.length > 0);
  assert.deepEqual([...b.hrefs].sort(), [...a.hrefs].sort());
});

test("from disk (file://), three bundles find the same papers as served, each bundle read from its twins", async () => {
  const served = await search(three, "?q=Sinkhorn");
  const context = await browser.newContext();
  const errors: string[] = [];
  const requests: string[] = [];
  try {
    const page = await context.newPage();
    page.on("console", (m) => void (m.type() === "error" && errors.push(m.text())));
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("request", (r) => requests.push(r.url()));
    await page.goto(`${pathToFileURL(path.join(tmp, "three", "search/index.html")).href}?q=Sinkhorn`);
    await page.waitForFunction(() => /^(No|\d+) papers?\b/.test(document.getElementById("search-status")?.textContent ?? ""), null, { timeout: 15_000 });
    const hrefs = await page.$$eval("#search-results > li a.paper-title", (as) => as.map((a) => (a as HTMLAnchorElement).href));
    assert.deepEqual(hrefs.map((h) => h.slice(h.indexOf("/papers/")).replace(/index\.html$/, "")).sort(), [...served.hrefs].sort());
    for (const bundle of ["/pagefind/", "/pagefind-1/", "/pagefind-2/"]) assert.ok(requests.some((r) => r.includes(bundle) && r.endsWith(".pf_index.js")), `${bundle} read from its twins`);
    assert.deepEqual(errors, []);
    for (const r of requests) assert.match(r, /^(file|data|blob):/);
  } finally {
    await context.close();
  }
});
