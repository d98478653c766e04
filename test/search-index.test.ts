// Search bundles: a catalogue larger than one shard is indexed as several Pagefind bundles that together hold every
// paper page once, and a rebuild keeps the bundles whose indexed content did not change.
import { test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { build, root } from "../scripts/build.ts";
import { pagefind, searchBundles, searchDocument, shardMembers } from "../scripts/search-index.ts";
import { removeBuildCache } from "./helpers/cache.ts";

/** URLs of the pages in one Pagefind bundle (from its fragments). */
function bundleUrls(bundle: string): string[] {
  // Each fragment has a twin for search from disk (`.js`, scripts/search-disk.ts) beside it.
  return readdirSync(path.join(bundle, "fragment")).filter((f) => f.endsWith(".pf_fragment")).map((f) => {
    const json = gunzipSync(readFileSync(path.join(bundle, "fragment", f))).toString("utf8");
    // Fragments are "pagefind_dcd" + JSON.
    return (JSON.parse(json.slice(json.indexOf("{"))) as { url: string }).url;
  });
}

test("a catalogue of one shard or less has one bundle at /pagefind/; larger ones get one bundle per shard", () => {
  assert.deepEqual(searchBundles(440), ["/pagefind/"]);
  assert.deepEqual(searchBundles(15000), ["/pagefind/"]);
  assert.deepEqual(searchBundles(15001), ["/pagefind/", "/pagefind-1/"]);
  assert.deepEqual(searchBundles(440, 150), ["/pagefind/", "/pagefind-1/", "/pagefind-2/"]);
});

test("shards are consecutive runs of the pages in arrival order, so new pages change only the last shard", () => {
  const order = Array.from({ length: 320 }, (_, i) => `paper-${i}.md`);
  const before = shardMembers(order, 150);
  assert.deepEqual(before.map((m) => m.length), [150, 150, 20]);
  assert.deepEqual(before.flat(), order);
  const after = shardMembers([...order, "new-1.md", "new-2.md"], 150);
  assert.deepEqual(after.slice(0, 2), before.slice(0, 2));
  assert.deepEqual(after[2], [...before[2], "new-1.md", "new-2.md"]);
});

/**
 * Runs `fn` on a temporary copy of the bundled dumps (a build writes pages and permalinks beside its dumps) and its
 * output folder, then removes both and what builds keep for them.
 */
async function withDumpsCopy(prefix: string, fn: (dir: string, dumps: string, out: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  const dumps = path.join(dir, "dumps");
  const out = path.join(dir, "site");
  cpSync(path.join(root, "content/dumps"), dumps, { recursive: true });
  try {
    await fn(dir, dumps, out);
  } finally {
    removeBuildCache(dumps, out);
    rmSync(dir, { recursive: true, force: true });
  }
}

test("the bundled dumps in shards of 150: three bundles hold every paper page exactly once; a rebuild keeps them all", async () => {
  await withDumpsCopy("search-shards-", async (dir, dumps, out) => {
    const first = await build({ dumps, out, base: "/", strict: false, log: () => {}, searchShard: 150 });
    assert.equal(first.counts.searchShards, 3);
    const urls = ["pagefind", "pagefind-1", "pagefind-2"].flatMap((b) => bundleUrls(path.join(out, b)));
    const papers = readdirSync(path.join(out, "papers")).map((slug) => `/papers/${slug}/`);
    assert.equal(urls.length, 440);
    assert.deepEqual([...urls].sort(), papers.sort());
    assert.ok(!readdirSync(out).some((f) => f.startsWith(".search-shard")), "shard folders removed");

    const again = await build({ dumps, out, base: "/", strict: false, log: () => {}, searchShard: 150 });
    assert.equal(again.counts.searchShardsReused, 3);

    // A new paper in a dump that sorts last lands in the last bundle. It repeats the abstract of a paper of the first
    // dump, so it enters that paper's related list: that page changes, but not what Pagefind indexes of it, and the other
    // bundles are kept. Every page is still indexed once.
    const lines = readFileSync(path.join(dumps, readdirSync(dumps).sort()[0]), "utf8").split("\n");
    const abstract = lines.find((l) => l.length > 300);
    writeFileSync(path.join(dumps, "zz_new.txt"), `Get trending papers in your email inbox once a day!\nGet trending papers in your email inbox!\nSubscribeA Completely New Paper About Shard Reuse\n${abstract} We study how search bundles are kept between builds of a catalogue.\n`);
    const third = await build({ dumps, out, base: "/", strict: false, log: () => {}, searchShard: 150 });
    assert.equal(third.counts.searchShards, 3);
    assert.ok(third.counts.pagesRendered > 1, "the new paper changed other pages");
    assert.equal(third.counts.searchShardsReused, 2);
    assert.ok(bundleUrls(path.join(out, "pagefind-2")).includes("/papers/a-completely-new-paper-about-shard-reuse/"));
    const all = ["pagefind", "pagefind-1", "pagefind-2"].flatMap((b) => bundleUrls(path.join(out, b)));
    assert.equal(all.length, 441);
    assert.equal(new Set(all).size, 441);
    // The re-indexed shard read the new site's pages: its tree (kept beside the output between builds, so that no page
    // folders are removed and made again) holds the search document of each of them, and only them.
    const tree = path.join(dir, ".site.search-pages", "shard-2", "papers");
    const members = readdirSync(tree);
    assert.equal(members.length, 141);
    assert.ok(members.includes("a-completely-new-paper-about-shard-reuse"));
    for (const slug of members) assert.equal(readFileSync(path.join(tree, slug, "index.html"), "utf8"), searchDocument(readFileSync(path.join(out, "papers", slug, "index.html"), "utf8")), slug);
  });
});

/** What an index holds: its fragment and chunk files (named by their content's hash), and each filter file's bytes in order (Pagefind writes a filter's entries in varying order). */
function indexContents(bundle: string) {
  const names = (d: string) => readdirSync(path.join(bundle, d)).sort();
  const filters = names("filter").map((f) => [...gunzipSync(readFileSync(path.join(bundle, "filter", f)))].sort((a, b) => a - b).join(","));
  return { fragments: names("fragment"), chunks: names("index"), filters: filters.sort() };
}

test("Pagefind indexes each paper's search document exactly as it indexes the whole page", async () => {
  await withDumpsCopy("search-document-", async (dir, dumps, out) => {
    await build({ dumps, out, base: "/", strict: false, log: () => {} });
    const pages = path.join(dir, "pages");
    const docs = path.join(dir, "docs");
    let withMath = 0;
    for (const slug of readdirSync(path.join(out, "papers"))) {
      const html = readFileSync(path.join(out, "papers", slug, "index.html"), "utf8");
      const doc = searchDocument(html);
      assert.ok(doc.length < html.length, slug);
      if (html.includes('class="katex"')) {
        withMath++;
        assert.ok(!doc.includes('class="katex"'), `${slug}: the typeset math Pagefind ignores is left out`);
      }
      for (const [tree, text] of [[pages, html], [docs, doc]]) {
        mkdirSync(path.join(tree, "papers", slug), { recursive: true });
        writeFileSync(path.join(tree, "papers", slug, "index.html"), text);
      }
    }
    assert.ok(withMath > 10, "the bundled dumps have papers with math");
    await pagefind(pages, path.join(dir, "index-pages"));
    await pagefind(docs, path.join(dir, "index-docs"));
    const whole = indexContents(path.join(dir, "index-pages"));
    assert.equal(whole.fragments.length, 440);
    assert.deepEqual(indexContents(path.join(dir, "index-docs")), whole);
  });
});
