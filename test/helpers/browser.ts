// Test helper: headless Chromium (the Debian package at /usr/bin/chromium) through playwright-core, with a guard that
// records every request leaving the local test server.
import { chromium, type Browser, type BrowserContext } from "playwright-core";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

export interface GuardedContext {
  context: BrowserContext;
  /** Every URL requested from a host other than `origin` (data: and blob: URLs are local and allowed). */
  foreign: string[];
  /** Every URL requested. */
  requests: string[];
  /** Console errors and uncaught page errors. */
  errors: string[];
}

/**
 * A new browser context whose requests are all recorded; those to another origin are recorded in `foreign` and
 * aborted, so a test can assert `foreign` is empty (the site works offline).
 */
export async function guardedContext(browser: Browser, origin: string): Promise<GuardedContext> {
  const context = await browser.newContext();
  const foreign: string[] = [];
  const requests: string[] = [];
  const errors: string[] = [];
  const local = (url: string) => url.startsWith(origin + "/") || url === origin || url.startsWith("data:") || url.startsWith("blob:");
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (local(url)) return route.continue();
    if (!foreign.includes(url)) foreign.push(url);
    return route.abort("blockedbyclient");
  });
  // Every request, including those of Pagefind's web worker, which context.route may not see.
  context.on("request", (request) => {
    const url = request.url();
    requests.push(url);
    if (!local(url) && !foreign.includes(url)) foreign.push(url);
  });
  context.on("page", (page) => {
    page.on("console", (msg) => {
      if (msg.type() === "error") errors.push(msg.text());
    });
    page.on("pageerror", (err) => errors.push(err.message));
  });
  return { context, foreign, requests, errors };
}
