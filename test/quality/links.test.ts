// Gate: no broken internal link, asset or anchor anywhere on the site. linkinator crawls the served site from its home
// page (fragments and CSS url()s checked too), for the root build and for the /catalogue/ build served from a
// sub-path (so a link missing the prefix hits a 404); every built page must have been reached by the crawl.
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { LinkChecker, LinkState } from "linkinator";
import { serve } from "../helpers/server.ts";
import { builtSites, filesOf, type Site } from "./sites.ts";

const sites = await builtSites();

function check(server: { url: string; origin: string }, recurse = true) {
  return new LinkChecker().check({
    path: server.url,
    recurse,
    checkFragments: true,
    checkCss: true,
    concurrency: 32,
    timeout: 20_000,
    // External links (arXiv, code hosts, the --url host) are not ours to check, and tests have no network.
    linksToSkip: async (link: string) => !link.startsWith(server.origin + "/"),
  });
}

async function crawl(site: Site): Promise<void> {
  const server = await serve(site.dir, site.base);
  try {
    const result = await check(server);
    const broken = result.links.filter((l) => l.state === LinkState.BROKEN).map((l) => `${l.status ?? "?"} ${l.url} (on ${l.parent ?? "?"})`);
    assert.deepEqual(broken.slice(0, 30), [], `${broken.length} broken links`);
    // Every built page was reached, so every href and src on every page was checked.
    const seen = new Set(result.links.filter((l) => l.state === LinkState.OK).map((l) => new URL(l.url).pathname));
    const pages = filesOf(site.dir, ".html").filter((f) => f !== "404.html").map((f) => site.base + f.replace(/index\.html$/, ""));
    const unreached = pages.filter((p) => !seen.has(p));
    assert.deepEqual(unreached.slice(0, 20), [], `${unreached.length} of ${pages.length} pages not linked from anywhere`);
    // The 404 page's own links.
    const notFound = await check({ url: `${server.url}404.html`, origin: server.origin }, false);
    assert.deepEqual(notFound.links.filter((l) => l.state === LinkState.BROKEN).map((l) => l.url), []);
  } finally {
    await server.close();
  }
}

test("no broken internal links or anchors (site at the root)", async () => {
  await crawl(sites.plain);
});

test("no broken internal links or anchors (site under /catalogue/, served from a sub-folder)", async () => {
  await crawl(sites.prefixed);
});

test("the checker itself finds a missing page, a missing anchor and a link without the base path", async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "links-control-"));
  try {
    mkdirSync(path.join(dir, "a"));
    writeFileSync(path.join(dir, "index.html"), `<!DOCTYPE html><title>t</title><a href="/catalogue/a/">a</a> <a href="/catalogue/a/#here">here</a> <a href="/catalogue/a/#nowhere">x</a> <a href="/catalogue/missing/">m</a> <a href="/a/">unprefixed</a>`);
    writeFileSync(path.join(dir, "a/index.html"), `<!DOCTYPE html><title>a</title><h1 id="here">a</h1>`);
    const server = await serve(dir, "/catalogue/");
    try {
      const result = await check(server);
      const broken = [...new Set(result.links.filter((l) => l.state === LinkState.BROKEN).map((l) => new URL(l.url).pathname + new URL(l.url).hash))].sort();
      assert.deepEqual(broken, ["/a/", "/catalogue/a/#nowhere", "/catalogue/missing/"]);
    } finally {
      await server.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
