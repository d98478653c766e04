// End-to-end tests of /search/ in real headless Chromium: the bundled dumps are built once (at "/" and at "/catalogue/"),
// served by scripts/serve.ts on 127.0.0.1, and every page is opened in a context that records any request leaving it.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import os from "node:os";
import type { RequestListener } from "node:http";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { build, root } from "../../scripts/build.ts";
import { finishSearchPage } from "../../scripts/search-page.ts";
import { serve, type RunningServer } from "../helpers/server.ts";
import { removeBuildCache } from "../helpers/cache.ts";
import { launchChromium, guardedContext } from "../helpers/browser.ts";

let tmp: string;
let siteDir: string;
let prefixedDir: string;
let site: RunningServer;
let prefixed: RunningServer;
let browser: Browser;

before(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), "search-e2e-"));
  siteDir = path.join(tmp, "site");
  prefixedDir = path.join(tmp, "catalogue");
  const dumps = path.join(root, "content/dumps");
  const a = await build({ dumps, out: siteDir, base: "/", strict: false, log: () => {} });
  assert.ok(a.ok, "build at /");
  const b = await build({ dumps, out: prefixedDir, base: "/catalogue/", strict: false, log: () => {} });
  assert.ok(b.ok, "build at /catalogue/");
  site = await serve(siteDir);
  prefixed = await serve(prefixedDir, "/catalogue/");
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await site?.close();
  await prefixed?.close();
  if (tmp) {
    for (const out of [siteDir, prefixedDir]) removeBuildCache(path.join(root, "content/dumps"), out);
    rmSync(tmp, { recursive: true, force: true });
  }
});

/** Opens a page in a fresh guarded context, runs `fn`, then checks nothing left the server and nothing threw. */
async function withPage(server: RunningServer, fn: (page: Page, requests: string[]) => Promise<void>): Promise<void> {
  const guard = await guardedContext(browser, server.origin);
  try {
    const page = await guard.context.newPage();
    page.setDefaultTimeout(10_000);
    await fn(page, guard.requests);
    assert.deepEqual(guard.foreign, [], "requests to hosts other than the local server");
    assert.deepEqual(guard.errors, [], "console errors");
  } finally {
    await guard.context.close();
  }
}

interface Shown {
  title: string;
  href: string;
  date: string | null;
  meta: string;
  excerptHtml: string;
}

/** Waits for the search to settle (status no longer "Searching…") and returns the count from the status and the shown results. */
async function results(page: Page): Promise<{ count: number; status: string; shown: Shown[] }> {
  await page.waitForFunction(() => {
    const s = document.getElementById("search-status")?.textContent ?? "";
    return /^(No|\d+) papers?\b/.test(s);
  });
  const status = (await page.textContent("#search-status")) ?? "";
  const m = /^(No|\d+)/.exec(status)!;
  const shown = await page.$$eval("#search-results > li", (items) =>
    items.map((li) => ({
      title: li.querySelector("a.paper-title")?.textContent ?? "",
      href: li.querySelector("a.paper-title")?.getAttribute("href") ?? "",
      date: li.querySelector("time")?.getAttribute("datetime") ?? null,
      meta: li.querySelector(".meta")?.textContent ?? "",
      excerptHtml: li.querySelector(".excerpt")?.innerHTML ?? "",
    })),
  );
  return { count: m[1] === "No" ? 0 : Number(m[1]), status, shown };
}

async function searchFor(page: Page, query: string): Promise<void> {
  await page.fill("#search-q", query);
  await page.press("#search-q", "Enter");
  await page.waitForFunction((q) => new URLSearchParams(location.search).get("q") === q, query);
}

test("a query for Sinkhorn finds the Sinkhorn papers, with clean titles and highlighted excerpts", async () => {
  await withPage(site, async (page) => {
    await page.goto(site.url + "search/");
    await searchFor(page, "Sinkhorn");
    const r = await results(page);
    const titles = r.shown.map((s) => s.title);
    assert.ok(r.count >= 2, `at least two results, got ${r.count}`);
    assert.ok(titles.includes("Mirror Sinkhorn: Fast Online Optimization on Transport Polytopes"), titles.join(" | "));
    assert.ok(titles.includes("Accelerating Sinkhorn Algorithm with Sparse Newton Iterations"), titles.join(" | "));
    for (const s of r.shown) {
      assert.match(s.href, /^\/papers\/[^/]+\/$/);
      assert.doesNotMatch(s.title, /[<>]|\$/, "titles are plain text");
      // Excerpts contain only text and <mark>.
      assert.doesNotMatch(s.excerptHtml.replace(/<\/?mark>/g, ""), /<[a-z/]/i);
    }
    assert.ok(r.shown.some((s) => /<mark>sinkhorn<\/mark>/i.test(s.excerptHtml)), "the query is highlighted in an excerpt");
    assert.match(page.url(), /\/search\/\?q=Sinkhorn$/);
  });
});

test("?q= in the URL prefills the search box and runs the search, also from the header search form", async () => {
  await withPage(site, async (page) => {
    await page.goto(site.url + "search/?q=Sinkhorn");
    assert.equal(await page.inputValue("#search-q"), "Sinkhorn");
    const r = await results(page);
    assert.ok(r.count >= 2);

    await page.goto(site.url);
    await page.fill("#site-search-q", "optimal transport");
    await page.press("#site-search-q", "Enter");
    await page.waitForURL(/\/search\/\?q=optimal\+transport$/);
    assert.equal(await page.inputValue("#search-q"), "optimal transport");
    assert.ok((await results(page)).count > 0);
  });
});

test("the first search fetches every index file once: the page's preloads are the files Pagefind uses", async () => {
  await withPage(site, async (page, requests) => {
    await page.goto(site.url + "search/?q=Sinkhorn&topic=optimal-transport");
    assert.ok((await results(page)).count >= 2);
    const files = requests.map((u) => new URL(u)).filter((u) => u.pathname.startsWith("/pagefind/")).map((u) => u.pathname + u.search);
    const count = (re: RegExp) => files.filter((f) => re.test(f)).length;
    assert.deepEqual(files.filter((f, i) => files.indexOf(f) !== i), [], "no file is fetched twice");
    // pagefind-entry.json carries the index's tag instead of Date.now(), so the preload of it is used.
    assert.equal(count(/^\/pagefind\/pagefind-entry\.json\?ts=[0-9a-f]{16}$/), 1, files.join(" "));
    assert.equal(count(/\.pf_meta$/), 1);
    assert.equal(count(/\/wasm\.en\.pagefind$/), 1);
    assert.equal(count(/\/index\/[^/]+\.pf_index$/), 1, "one index chunk for one word");
    assert.equal(count(/\/filter\/[^/]+\.pf_filter$/), 1, "one filter chunk for one filter");
    const preloads = await page.$$eval('link[rel="preload"]', (links) => links.map((l) => new URL((l as HTMLLinkElement).href).pathname));
    for (const kind of [/pagefind-entry\.json$/, /\.pf_meta$/, /\.pf_index$/, /\.pf_filter$/]) assert.ok(preloads.some((p) => kind.test(p)), `${kind} is preloaded`);
  });
  // Finishing an already finished page changes nothing.
  const file = path.join(siteDir, "search/index.html");
  const before = readFileSync(file, "utf8");
  await finishSearchPage(siteDir);
  assert.equal(readFileSync(file, "utf8"), before);
});

test("search works also where the server sends Pagefind's gzip files with Content-Encoding: gzip", async () => {
  const server = await serve(siteDir);
  const files = server.server.listeners("request")[0] as RequestListener;
  server.server.removeAllListeners("request");
  // The browser then inflates them itself, and Pagefind gets data already inflated (as from Apache's mod_mime_magic).
  server.server.on("request", (req, res) => {
    const file = (req.url ?? "").split("?")[0];
    if (!/\.(pagefind|pf_meta|pf_index|pf_filter|pf_fragment)$/.test(file)) return files(req, res);
    res.writeHead(200, { "Content-Type": "application/octet-stream", "Content-Encoding": "gzip" });
    res.end(readFileSync(path.join(siteDir, file)));
  });
  try {
    await withPage(server, async (page) => {
      await page.goto(server.url + "search/?q=Sinkhorn");
      const r = await results(page);
      assert.ok(r.count >= 2);
      assert.ok(r.shown.some((s) => /<mark>sinkhorn<\/mark>/i.test(s.excerptHtml)));
    });
  } finally {
    await server.close();
  }
});

test("a topic filter narrows the results to that topic and is kept in the URL", async () => {
  await withPage(site, async (page) => {
    await page.goto(site.url + "search/?q=optimization");
    const all = await results(page);
    const topicId = "optimal-transport";
    const topicName = await page.$eval(`#search-topic option[value="${topicId}"]`, (o) => (o as HTMLOptionElement).dataset.filter!);
    await page.selectOption("#search-topic", topicId);
    await page.waitForURL(new RegExp(`[?&]topic=${topicId}\\b`));
    const narrowed = await results(page);
    assert.ok(narrowed.count > 0, "some results in the topic");
    assert.ok(narrowed.count < all.count, `${narrowed.count} < ${all.count}`);
    for (const s of narrowed.shown) assert.ok(s.meta.includes(topicName), `${s.title}: ${s.meta}`);

    // A linked filtered search restores the filter.
    await page.goto(page.url());
    assert.equal(await page.inputValue("#search-topic"), topicId);
    assert.equal((await results(page)).count, narrowed.count);
  });
});

test("the has-code and year filters keep only matching papers", async () => {
  await withPage(site, async (page) => {
    await page.goto(site.url + "search/?q=model&code=1");
    const r = await results(page);
    assert.ok(r.count > 0);
    assert.ok(await page.isChecked("#search-code"));
    for (const s of r.shown) assert.match(s.meta, /· code$/, s.title);

    const year = await page.$eval("#search-year option:nth-child(2)", (o) => (o as HTMLOptionElement).value);
    await page.goto(site.url + `search/?year=${year}`);
    const y = await results(page);
    assert.ok(y.count > 0, "a filter without a query lists the year's papers");
    for (const s of y.shown) assert.equal(s.date?.slice(0, 4), year, s.title);
  });
});

test("sorting by newest orders results by date, undated papers last", async () => {
  await withPage(site, async (page) => {
    await page.goto(site.url + "search/?q=learning");
    const relevance = await results(page);
    await page.selectOption("#search-sort", "newest");
    await page.waitForURL(/[?&]sort=newest\b/);
    const newest = await results(page);
    assert.equal(newest.count, relevance.count, "sorting keeps every result, dated or not");
    // Load everything so the whole order can be checked.
    while (await page.isVisible("#search-more")) {
      const before = (await page.$$("#search-results > li")).length;
      await page.click("#search-more");
      await page.waitForFunction((n) => document.querySelectorAll("#search-results > li").length > n, before);
    }
    const dates = (await results(page)).shown.map((s) => s.date);
    assert.equal(dates.length, newest.count);
    const dated = dates.filter((d): d is string => d !== null);
    assert.ok(dated.length >= 2, "at least two dated papers to order");
    assert.deepEqual(dated, [...dated].sort().reverse(), "dates descend");
    assert.deepEqual(dates.slice(0, dated.length), dated, "dated papers come before undated ones");
  });
});

test("results load ten at a time and the more-results button loads the next ten", async () => {
  await withPage(site, async (page) => {
    await page.goto(site.url + "search/?q=model");
    const r = await results(page);
    assert.ok(r.count > 20);
    assert.equal(r.shown.length, 10);
    await page.click("#search-more");
    await page.waitForFunction(() => document.querySelectorAll("#search-results > li").length === 20);
    // Focus moves to the first of the new results.
    assert.equal(await page.evaluate(() => [...document.querySelectorAll("#search-results a.paper-title")].indexOf(document.activeElement!)), 10);
  });
});

test("clicking a result opens the paper page", async () => {
  await withPage(site, async (page) => {
    await page.goto(site.url + "search/?q=Sinkhorn");
    const first = (await results(page)).shown[0];
    await page.click("#search-results a.paper-title >> nth=0");
    await page.waitForURL(site.origin + first.href);
    assert.equal(await page.title(), `${first.title} · Paper Catalogue`);
  });
});

test("the back button restores the previous search, from a newer search and from a paper page", async () => {
  await withPage(site, async (page) => {
    await page.goto(site.url + "search/");
    await searchFor(page, "Sinkhorn");
    const sinkhorn = await results(page);
    await searchFor(page, "diffusion");
    const diffusion = await results(page);
    assert.notDeepEqual(diffusion.shown[0], sinkhorn.shown[0]);

    await page.goBack();
    await page.waitForFunction(() => new URLSearchParams(location.search).get("q") === "Sinkhorn");
    assert.equal(await page.inputValue("#search-q"), "Sinkhorn");
    await page.waitForFunction((t) => document.querySelector("#search-results a.paper-title")?.textContent === t, sinkhorn.shown[0].title);
    assert.deepEqual((await results(page)).shown, sinkhorn.shown);

    await page.goForward();
    await page.waitForFunction((t) => document.querySelector("#search-results a.paper-title")?.textContent === t, diffusion.shown[0].title);
    assert.equal(await page.inputValue("#search-q"), "diffusion");

    await page.click("#search-results a.paper-title >> nth=0");
    await page.waitForURL(/\/papers\//);
    await page.goBack();
    await page.waitForURL(/\/search\/\?q=diffusion$/);
    await page.waitForFunction((t) => document.querySelector("#search-results a.paper-title")?.textContent === t, diffusion.shown[0].title);
    assert.equal(await page.inputValue("#search-q"), "diffusion");
  });
});

test("the search page works from the keyboard: / focuses the box, arrow keys and Tab reach the results", async () => {
  await withPage(site, async (page) => {
    await page.goto(site.url + "search/?q=Sinkhorn");
    await results(page);
    const active = () => page.evaluate(() => (document.activeElement as HTMLElement | null)?.id || document.activeElement?.textContent || document.activeElement?.tagName);
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press("/");
    assert.equal(await active(), "search-q");
    assert.equal(await page.inputValue("#search-q"), "Sinkhorn", "the / is not typed into the box");
    const titles = (await results(page)).shown.map((s) => s.title);
    await page.keyboard.press("ArrowDown");
    assert.equal(await active(), titles[0]);
    await page.keyboard.press("ArrowDown");
    assert.equal(await active(), titles[1]);
    await page.keyboard.press("ArrowUp");
    await page.keyboard.press("ArrowUp");
    assert.equal(await active(), "search-q");
    // Tab order: box → button → filters → sort → first result.
    for (let i = 0; i < 12 && (await active()) !== titles[0]; i++) await page.keyboard.press("Tab");
    assert.equal(await active(), titles[0], "Tab reaches the first result");
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/papers\//);

    // On any other page "/" focuses the header search box.
    await page.keyboard.press("/");
    assert.equal(await active(), "site-search-q");
  });
});

test("under /catalogue/ the search assets, index and result links all carry the prefix", async () => {
  await withPage(prefixed, async (page, requests) => {
    await page.goto(prefixed.url + "search/?q=Sinkhorn");
    const r = await results(page);
    assert.ok(r.count >= 2);
    for (const s of r.shown) assert.match(s.href, /^\/catalogue\/papers\/[^/]+\/$/);
    assert.ok(requests.some((u) => u.endsWith("/catalogue/pagefind/pagefind-classic.js")), "Pagefind is loaded from the prefix");
    assert.ok(requests.some((u) => u.includes("/catalogue/pagefind/fragment/")), "fragments are loaded from the prefix");
    for (const u of requests) assert.ok(u.startsWith(prefixed.url), `request outside the prefix: ${u}`);
    const response = await Promise.all([page.waitForNavigation(), page.click("#search-results a.paper-title >> nth=0")]).then(([res]) => res);
    assert.equal(response?.status(), 200);
    assert.equal(new URL(page.url()).pathname, r.shown[0].href);
    // The header form also stays under the prefix.
    await page.fill("#site-search-q", "transport");
    await page.press("#site-search-q", "Enter");
    await page.waitForURL(prefixed.url + "search/?q=transport");
    assert.ok((await results(page)).count > 0);
  });
});

test("excerpts are sanitised: only <mark> survives as markup", async () => {
  await withPage(site, async (page) => {
    await page.goto(site.url + "search/");
    const out = await page.evaluate(() => {
      const appendExcerpt = (window as unknown as { appendSearchExcerpt: (el: Element, excerpt: string) => void }).appendSearchExcerpt;
      const el = document.createElement("p");
      appendExcerpt(el, '<img src=x onerror="window.pwned=1"><b>bold</b> &lt;i&gt; a &amp; b <mark>hit</mark> <mark onclick="x">no</mark>');
      return { html: el.innerHTML, text: el.textContent, tags: [...el.querySelectorAll("*")].map((e) => e.tagName) };
    });
    assert.deepEqual(out.tags, ["MARK"]);
    // Other tags, and a <mark> with attributes, stay visible as text; only the exact <mark>…</mark> pair becomes markup.
    assert.equal(out.text, '<img src=x onerror="window.pwned=1"><b>bold</b> <i> a & b hit <mark onclick="x">no');
    assert.equal(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned), undefined);
  });
});
