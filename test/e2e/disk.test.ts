// The built site opened from disk (file://, no server) in Debian's Chromium (playwright-core) and Debian's Firefox ESR
// (puppeteer-core over WebDriver BiDi), each with its default file:// rules: styled pages, links that open pages, KaTeX
// fonts, the Cite buttons, the "/" key, and search with a filter, a sort, "More results" and result links; no console
// error and no request leaving the disk. From the build's folder, from a copy under a path with spaces and non-ASCII
// letters, and from the unzipped archive.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser as PwBrowser, Page as PwPage } from "playwright-core";
import puppeteer, { type Browser as PpBrowser, type Page as PpPage } from "puppeteer-core";
import { build, root } from "../../scripts/build.ts";
import { launchChromium } from "../helpers/browser.ts";
import { removeBuildCache } from "../helpers/cache.ts";

const FIREFOX_PATH = process.env.FIREFOX_PATH ?? "/usr/bin/firefox-esr";
const dumps = path.join(root, "content/dumps");
const TIMEOUT = 30000;

let tmp: string;
let siteDir: string;
let hostedOnly: string;
let chromium: PwBrowser;
let firefox: PpBrowser;
/** The places the site is opened from: the build's folder, a copy under an awkward path, the unzipped archive. */
const places: { name: string; dir: string }[] = [];

/** What a test does with a page, the same in both browsers. */
interface DiskPage {
  goto(url: string): Promise<void>;
  /** Clicks `selector` and waits for the page it opens. */
  follow(selector: string): Promise<void>;
  /** Presses Enter and waits for the page the form submitted opens. */
  submit(): Promise<void>;
  evaluate<T, A>(fn: (arg: A) => T | Promise<T>, arg: A): Promise<T>;
  waitFor<A>(fn: (arg: A) => boolean, arg: A): Promise<void>;
  select(selector: string, value: string): Promise<void>;
  press(key: string): Promise<void>;
  type(selector: string, text: string): Promise<void>;
  url(): string;
  /** Console errors and uncaught page errors so far. */
  errors: string[];
  /** Every URL the browser reported requesting. */
  requests: string[];
  close(): Promise<void>;
}

async function chromiumPage(): Promise<DiskPage> {
  const context = await chromium.newContext();
  const page: PwPage = await context.newPage();
  const d = record(page);
  return {
    ...d,
    goto: async (url) => void (await page.goto(url)),
    follow: async (selector) => void (await Promise.all([page.waitForNavigation({ timeout: TIMEOUT }), page.click(selector)])),
    submit: async () => void (await Promise.all([page.waitForNavigation({ timeout: TIMEOUT }), page.keyboard.press("Enter")])),
    evaluate: (fn, arg) => page.evaluate(fn as never, arg) as never,
    waitFor: async (fn, arg) => void (await page.waitForFunction(fn as never, arg, { timeout: TIMEOUT })),
    select: async (selector, value) => void (await page.selectOption(selector, value)),
    press: (key) => page.keyboard.press(key),
    type: (selector, text) => page.fill(selector, text),
    url: () => page.url(),
    close: () => context.close(),
  };
}

async function firefoxPage(): Promise<DiskPage> {
  const context = await firefox.createBrowserContext();
  const page: PpPage = await context.newPage();
  const d = record(page);
  return {
    ...d,
    goto: async (url) => void (await page.goto(url)),
    follow: async (selector) => void (await Promise.all([page.waitForNavigation({ timeout: TIMEOUT }), page.click(selector)])),
    submit: async () => void (await Promise.all([page.waitForNavigation({ timeout: TIMEOUT }), page.keyboard.press("Enter")])),
    evaluate: (fn, arg) => page.evaluate(fn as never, arg) as never,
    waitFor: async (fn, arg) => void (await page.waitForFunction(fn as never, { timeout: TIMEOUT }, arg)),
    select: async (selector, value) => void (await page.select(selector, value)),
    press: (key) => page.keyboard.press(key as never),
    type: async (selector, text) => {
      await page.focus(selector);
      await page.keyboard.type(text);
    },
    url: () => page.url(),
    close: () => context.close(),
  };
}

/** Console errors, page errors and requests of a page (the two libraries' pages emit the same event names). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function record(page: { on(event: any, handler: any): unknown }) {
  const errors: string[] = [];
  const requests: string[] = [];
  page.on("console", (msg: { type(): string; text(): string }) => {
    if (msg.type() === "error") errors.push(msg.text());
  });
  page.on("pageerror", (err: Error) => errors.push(err.message));
  page.on("request", (req: { url(): string }) => requests.push(req.url()));
  return { errors, requests };
}

before(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), "disk-"));
  siteDir = path.join(tmp, "site");
  hostedOnly = path.join(tmp, "hosted-only");
  const a = await build({ dumps, out: siteDir, base: "/", strict: false, archive: true, log: () => {} });
  assert.ok(a.ok, a.report);
  const b = await build({ dumps, out: hostedOnly, base: "/", strict: false, diskSearch: false, log: () => {} });
  assert.ok(b.ok, b.report);
  // A copy under a path with spaces and non-ASCII letters, and the archive unzipped elsewhere.
  const awkward = path.join(tmp, "Zürich papers", "für Lesende");
  mkdirSync(awkward, { recursive: true });
  cpSync(siteDir, path.join(awkward, "site"), { recursive: true });
  const unzipped = path.join(tmp, "unzipped here");
  mkdirSync(unzipped);
  execFileSync("unzip", ["-q", path.join(siteDir, "paper-catalogue.zip"), "-d", unzipped]);
  places.push({ name: "the build's folder", dir: siteDir }, { name: "a folder with spaces and non-ASCII letters", dir: path.join(awkward, "site") }, { name: "the unzipped archive", dir: path.join(unzipped, "paper-catalogue") });
  chromium = await launchChromium();
  // Firefox's remote agent sets security.fileuri.strict_origin_policy to false among its recommended preferences; a
  // user's Firefox has it true (each file:// page its own origin), so it is set back to the user's default.
  firefox = await puppeteer.launch({ browser: "firefox", executablePath: FIREFOX_PATH, headless: true, extraPrefsFirefox: { "security.fileuri.strict_origin_policy": true } });
});

after(async () => {
  await chromium?.close();
  await firefox?.close();
  for (const out of [siteDir, hostedOnly]) removeBuildCache(dumps, out);
  rmSync(tmp, { recursive: true, force: true });
});

const fileUrl = (dir: string, rel: string) => pathToFileURL(path.join(dir, rel)).href;

/** Titles of the bundled papers that name Sinkhorn in their title. */
function sinkhornTitles(dir: string): string[] {
  const catalogue = JSON.parse(readFileSync(path.join(dir, "catalogue.json"), "utf8")) as { papers: { title: string }[] };
  return catalogue.papers.map((p) => p.title).filter((t) => /sinkhorn/i.test(t));
}

/** The site path of the first paper page (in name order) with typeset math. */
function mathPaper(dir: string): string {
  const slug = readdirSync(path.join(dir, "papers"))
    .sort()
    .find((s) => readFileSync(path.join(dir, "papers", s, "index.html"), "utf8").includes('class="katex"'));
  assert.ok(slug, "some paper has math");
  return `papers/${slug}/index.html`;
}

const visibleResults = () => [...document.querySelectorAll<HTMLAnchorElement>("#search-results a.paper-title")].map((a) => ({ title: a.textContent ?? "", href: a.href, meta: a.parentElement?.querySelector(".meta")?.textContent ?? "" }));
const statusText = () => document.getElementById("search-status")?.textContent ?? "";

/** Every check of the site opened from `dir`, in one browser. */
async function checkFromDisk(open: () => Promise<DiskPage>, dir: string): Promise<void> {
  const page = await open();
  try {
    const home = fileUrl(dir, "index.html");
    await page.goto(home);
    // Styled: site.css sets the body's margin and font, which a browser's defaults do not.
    const style = await page.evaluate(() => ({ margin: getComputedStyle(document.body).margin, font: getComputedStyle(document.body).fontFamily }), null);
    assert.equal(style.margin, "0px", "site.css applies (body margin)");
    assert.match(style.font, /system-ui/, "site.css applies (font)");
    assert.equal(await page.evaluate(() => (document.querySelector("[data-archive]") as HTMLElement | null)?.hidden ?? true, null), true, "no link to the archive from a copy on disk");

    // A topic, a date and a paper link each open their page's index.html.
    await page.follow(".topic-grid a");
    assert.match(page.url(), /\/topics\/[a-z0-9-]+\/index\.html$/);
    assert.ok(await page.evaluate(() => document.querySelectorAll("ol.papers li").length > 0, null), "the topic page lists papers");
    await page.goto(home);
    await page.follow('nav a[href$="dates/index.html"]');
    assert.match(page.url(), /\/dates\/index\.html$/);
    await page.follow(".years a, main h2 a");
    assert.match(page.url(), /\/dates\/\d{4}\/index\.html$/);
    await page.goto(home);
    await page.follow("ol.papers a.paper-title");
    assert.match(page.url(), /\/papers\/[a-z0-9-]+\/index\.html$/);
    assert.ok(await page.evaluate(() => (document.querySelector("h1")?.textContent ?? "").length > 0, null));

    // Math with KaTeX's own fonts, and the Cite box's buttons.
    await page.goto(fileUrl(dir, mathPaper(dir)));
    const fonts = await page.evaluate(async () => {
      await document.fonts.ready;
      return [...document.fonts].filter((f) => f.status === "loaded").map((f) => f.family.replace(/["']/g, ""));
    }, null);
    assert.ok(fonts.includes("KaTeX_Main"), `KaTeX_Main loaded (loaded: ${fonts.join(", ")})`);
    assert.equal(await page.evaluate(() => [...document.querySelectorAll<HTMLButtonElement>("button[data-copy]")].every((b) => !b.hidden), null), true, "the copy buttons are shown");
    await page.evaluate(() => (document.querySelector("button[data-copy]") as HTMLButtonElement).click(), null);
    assert.notEqual(await page.evaluate(() => document.getElementById("cite-status")?.textContent ?? "", null), "", "a copy button answers");

    // "/" focuses the header search box; a search from it opens the search page, which finds the Sinkhorn papers.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur(), null);
    await page.press("/");
    assert.equal(await page.evaluate(() => document.activeElement?.id, null), "site-search-q");
    await page.type("#site-search-q", "Sinkhorn");
    await page.submit();
    assert.match(page.url(), /\/search\/index\.html\?q=Sinkhorn$/);
    await page.waitFor(() => document.querySelectorAll("#search-results a.paper-title").length > 0 && /papers? for/.test(document.getElementById("search-status")?.textContent ?? ""), null);
    const found = await page.evaluate(visibleResults, null);
    const titles = found.map((r) => r.title);
    for (const t of sinkhornTitles(dir)) assert.ok(titles.includes(t), `"${t}" is found (results: ${titles.join(" | ")})`);
    for (const r of found) assert.match(r.href, /^file:\/\/.*\/papers\/[a-z0-9-]+\/index\.html$/);

    // Newest first: dates descending.
    await page.select("#search-sort", "newest");
    await page.waitFor(() => /newest first/.test(document.getElementById("search-status")?.textContent ?? ""), null);
    const dates = await page.evaluate(() => [...document.querySelectorAll("#search-results time")].map((t) => t.getAttribute("datetime") ?? ""), null);
    assert.deepEqual(dates, [...dates].sort().reverse(), "newest first");
    assert.match(page.url(), /[?&]sort=newest/);

    // A topic filter narrows a broad query to that topic; "More results" adds the next ten.
    await page.goto(fileUrl(dir, "search/index.html") + "?q=model");
    await page.waitFor(() => /papers? for/.test(document.getElementById("search-status")?.textContent ?? ""), null);
    const all = Number(/^(\d+)/.exec(await page.evaluate(statusText, null))?.[1]);
    assert.ok(all > 10, `${all} results for "model"`);
    await page.evaluate(() => (document.getElementById("search-more") as HTMLButtonElement).click(), null);
    await page.waitFor(() => document.querySelectorAll("#search-results li").length > 10, null);
    const topic = await page.evaluate(() => {
      const o = document.querySelector<HTMLOptionElement>('#search-topic option[value="optimal-transport"]')!;
      return o.dataset.filter ?? "";
    }, null);
    await page.select("#search-topic", "optimal-transport");
    await page.waitFor((t) => (document.getElementById("search-status")?.textContent ?? "").includes(` in ${t}`), topic);
    const narrowed = await page.evaluate(visibleResults, null);
    assert.ok(narrowed.length > 0 && narrowed.length < all, `${narrowed.length} of ${all} in the topic`);
    for (const r of narrowed) assert.ok(r.meta.includes(topic), `${r.title}: ${r.meta}`);

    // A result opens its paper.
    await page.follow("#search-results a.paper-title");
    assert.equal(page.url(), narrowed[0].href);
    assert.equal(await page.evaluate(() => document.querySelector("h1")?.textContent?.trim(), null), narrowed[0].title.trim());

    assert.deepEqual(page.errors, [], "no console errors");
    for (const u of page.requests) assert.match(u, /^(file|data|blob|about):/, `request leaving the disk: ${u}`);
  } finally {
    await page.close();
  }
}

test("Firefox runs with its default file:// rule: a page cannot fetch another file", async () => {
  const page = await firefoxPage();
  try {
    await page.goto(fileUrl(siteDir, "index.html"));
    assert.equal(await page.evaluate(() => fetch("catalogue.json").then(() => "fetched", () => "refused"), null), "refused");
  } finally {
    await page.close();
  }
});

for (const [browser, open] of [
  ["Chromium", chromiumPage],
  ["Firefox ESR", firefoxPage],
] as const) {
  for (const i of [0, 1, 2]) {
    test(`from disk in ${browser}, from ${["the build's folder", "a folder with spaces and non-ASCII letters", "the unzipped archive"][i]}: styled pages, links, math, Cite, "/", search with filter, sort and more results, no errors, nothing from another host`, async () => {
      await checkFromDisk(open, places[i].dir);
    });
  }
}

test("a copy built with --no-disk-search, opened from disk, says search needs a server, with no console errors", async () => {
  assert.ok(!existsSync(path.join(hostedOnly, "pagefind/pagefind-entry.json.js")), "no twins");
  assert.ok(existsSync(path.join(hostedOnly, "pagefind/pagefind-classic.js")));
  const page = await chromiumPage();
  try {
    await page.goto(fileUrl(hostedOnly, "search/index.html") + "?q=Sinkhorn");
    await page.waitFor(() => document.getElementById("search-needs-server")?.classList.contains("is-shown") ?? false, null);
    assert.match(await page.evaluate(() => document.getElementById("search-needs-server")?.textContent ?? "", null), /npm run serve/);
    assert.deepEqual(page.errors, []);
  } finally {
    await page.close();
  }
});
