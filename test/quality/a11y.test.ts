// Gate: zero axe-core violations in headless Chromium on the home page, a paper with math, a topic, a date and the
// search page (with results), in the light theme at desktop width and the dark theme at 360 px, for both builds.
// Also: nothing scrolls sideways at 360 px, keyboard focus is visible, and the print stylesheet hides the chrome.
// Screenshots of each page at 360 px go to $QUALITY_SCREENSHOTS when it is set.
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import { AxeBuilder } from "@axe-core/playwright";
import type { Browser, Page } from "playwright-core";
import { launchChromium } from "../helpers/browser.ts";
import { serve, type RunningServer } from "../helpers/server.ts";
import { builtSites, filesOf, type Site } from "./sites.ts";

const sites = await builtSites();
const shots = process.env.QUALITY_SCREENSHOTS;
let browser: Browser;

before(async () => {
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

/** Site paths of the pages under test: a paper page whose abstract has typeset math, the first topic and year. */
function pagesOf(site: Site): Record<string, string> {
  const papers = filesOf(path.join(site.dir, "papers"), ".html");
  const math = papers.find((f) => /<section class="abstract"[^>]*>[\s\S]*class="katex"/.test(readFileSync(path.join(site.dir, "papers", f), "utf8")));
  assert.ok(math, "no paper page with math");
  const topic = filesOf(path.join(site.dir, "topics"), ".html").find((f) => /^[^/]+\/index\.html$/.test(f))!;
  const year = filesOf(path.join(site.dir, "dates"), ".html").find((f) => /^\d{4}\/index\.html$/.test(f))!;
  return {
    home: "",
    paper: `papers/${math.replace(/index\.html$/, "")}`,
    topic: `topics/${topic.replace(/index\.html$/, "")}`,
    date: `dates/${year.replace(/index\.html$/, "")}`,
    search: "search/?q=gradient",
  };
}

async function open(server: RunningServer, sitePath: string, opts: { width: number; scheme: "light" | "dark" }): Promise<Page> {
  // AxeBuilder needs a page of an explicit context.
  const context = await browser.newContext({ viewport: { width: opts.width, height: 800 }, colorScheme: opts.scheme });
  const page = await context.newPage();
  await page.goto(server.url + sitePath, { waitUntil: "load" });
  if (sitePath.startsWith("search/")) {
    await page.waitForFunction(() => !/Searching|Loading/i.test(document.getElementById("search-status")?.textContent ?? "") && document.querySelectorAll("#search-results > li").length > 0, undefined, { timeout: 20_000 });
  }
  return page;
}

async function violations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")}`);
}

for (const which of ["plain", "prefixed"] as const) {
  const site = sites[which];
  test(`axe: zero violations, light at 1280 px and dark at 360 px (site under ${site.base})`, async () => {
    const server = await serve(site.dir, site.base);
    try {
      const found: string[] = [];
      for (const [name, sitePath] of Object.entries(pagesOf(site))) {
        for (const opts of [{ width: 1280, scheme: "light" as const }, { width: 360, scheme: "dark" as const }]) {
          const page = await open(server, sitePath, opts);
          try {
            for (const v of await violations(page)) found.push(`${name} ${opts.scheme} ${opts.width}px: ${v}`);
            if (opts.width === 360) {
              const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
              if (overflow > 0) found.push(`${name} at 360 px scrolls sideways by ${overflow}px`);
              if (shots && which === "plain") {
                mkdirSync(shots, { recursive: true });
                await page.screenshot({ path: path.join(shots, `${name}-360-dark.png`), fullPage: true });
                await page.emulateMedia({ colorScheme: "light" });
                await page.screenshot({ path: path.join(shots, `${name}-360-light.png`), fullPage: true });
              }
            }
          } finally {
            await page.context().close();
          }
        }
      }
      assert.deepEqual(found, []);
    } finally {
      await server.close();
    }
  });
}

test("keyboard: the skip link comes first and shows, focus is outlined, the cite buttons work", async () => {
  const site = sites.plain;
  const server = await serve(site.dir, site.base);
  try {
    const page = await browser.newPage({ viewport: { width: 360, height: 800 } });
    const context = page.context();
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.origin });
    await page.goto(server.url + pagesOf(site).paper);
    await page.keyboard.press("Tab");
    const skip = await page.evaluate(() => {
      const a = document.activeElement as HTMLElement;
      const r = a.getBoundingClientRect();
      return { cls: a.className, visible: r.left >= 0 && r.width > 0, outline: getComputedStyle(a).outlineStyle };
    });
    assert.deepEqual(skip, { cls: "skip-link", visible: true, outline: "solid" });
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle), "solid");
    // The copy buttons are revealed by assets/cite.js and copy the citation text.
    await page.click("button[data-copy=cite-bibtex]");
    await page.waitForFunction(() => document.getElementById("cite-status")?.textContent === "BibTeX copied");
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    assert.match(copied, /^@misc\{[a-z0-9-]+,\n  title = \{\{/);
    await page.close();
  } finally {
    await server.close();
  }
});

test("print: header, search, pager and citation buttons hidden; text black on white", async () => {
  const site = sites.plain;
  const server = await serve(site.dir, site.base);
  try {
    const page = await browser.newPage();
    await page.emulateMedia({ media: "print", colorScheme: "dark" });
    await page.goto(server.url + pagesOf(site).paper);
    const styles = await page.evaluate(() => ({
      header: getComputedStyle(document.querySelector(".site-header")!).display,
      buttons: getComputedStyle(document.querySelector(".cite-actions")!).display,
      body: getComputedStyle(document.body).color,
      background: getComputedStyle(document.body).backgroundColor,
      title: getComputedStyle(document.querySelector("h1")!).display,
    }));
    assert.deepEqual(styles, { header: "none", buttons: "none", body: "rgb(0, 0, 0)", background: "rgb(255, 255, 255)", title: "block" });
    await page.close();
  } finally {
    await server.close();
  }
});
