// Same input, same output: two builds of the same dumps give byte-identical pages and sites, and the second ingest
// rewrites no page (mtimes unchanged).
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { build, locations, root } from "../scripts/build.ts";
import { removeBuildCache } from "./helpers/cache.ts";
import { pageDump, synthPapers } from "../scripts/bench/synth.ts";
import { bundledEntries } from "./helpers/bundled.ts";

/** Relative path → sha256 of every file under `dir`. */
function tree(dir: string, rel = "", out = new Map<string, string>()): Map<string, string> {
  for (const name of readdirSync(path.join(dir, rel)).sort()) {
    const r = path.join(rel, name);
    const full = path.join(dir, r);
    if (statSync(full).isDirectory()) tree(dir, r, out);
    else out.set(r, createHash("sha256").update(readFileSync(full)).digest("hex"));
  }
  return out;
}

function mtimes(dir: string): Map<string, number> {
  return new Map(readdirSync(dir).sort().map((f) => [f, statSync(path.join(dir, f)).mtimeMs]));
}

/** Removes test folders (`<dir>/dumps` built into `<dir>/site`) and their build caches. */
function removeTestFolders(dirs: string[]): void {
  for (const d of dirs) {
    removeBuildCache(path.join(d, "dumps"), path.join(d, "site"));
    rmSync(d, { recursive: true, force: true });
  }
}

function diff(a: Map<string, string>, b: Map<string, string>): string[] {
  const keys = new Set([...a.keys(), ...b.keys()]);
  return [...keys].filter((k) => a.get(k) !== b.get(k)).sort();
}

test("building the bundled dumps twice gives byte-identical pages and site, and the second ingest rewrites no page", async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "determinism-"));
  try {
    const dumps = path.join(dir, "dumps");
    cpSync(path.join(root, "content/dumps"), dumps, { recursive: true });
    const { papersDir } = locations(dumps);
    rmSync(papersDir, { recursive: true, force: true });

    const out = path.join(dir, "site");
    const first = await build({ dumps, out, base: "/", strict: false, log: () => {} });
    assert.ok(first.ok);
    const pages1 = tree(papersDir);
    const times1 = mtimes(papersDir);
    const registry1 = readFileSync(path.join(dir, "permalinks.json"));
    const site1 = tree(out);
    assert.ok(pages1.size > 400);
    assert.ok(site1.size > 400);

    const second = await build({ dumps, out, base: "/", strict: false, log: () => {} });
    assert.ok(second.ok);
    assert.match(second.report, new RegExp(`Pages: 0 written, ${pages1.size} unchanged, 0 removed`));
    assert.deepEqual(diff(pages1, tree(papersDir)), []);
    assert.deepEqual(mtimes(papersDir), times1, "unchanged pages were rewritten");
    assert.deepEqual(readFileSync(path.join(dir, "permalinks.json")), registry1);

    assert.deepEqual(diff(site1, tree(out)), [], "the two sites differ");
  } finally {
    removeBuildCache(path.join(dir, "dumps"), path.join(dir, "site"));
    rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * Pagefind writes filter values and metadata in hash-map order (upstream: Pagefind/pagefind#638); a rebuild into the
 * same output keeps an unchanged index, a fresh build in another folder cannot; so do those files' twins for search
 * from disk (`.js`, scripts/search-disk.ts). The search page names those files (scripts/search-page.ts), so it differs
 * with them.
 */
const unstable = /^(pagefind\/(filter\/.*\.pf_filter(\.js)?|pagefind\..*\.pf_meta(\.js)?|pagefind-entry\.json(\.js)?|index-inputs\.sha256)|search\/index\.html)$/;

test("a rebuild after a new dump equals a build from scratch of the same dumps, and leaves unchanged paper pages' files in place", async () => {
  const dirs = [mkdtempSync(path.join(os.tmpdir(), "incremental-")), mkdtempSync(path.join(os.tmpdir(), "scratch-"))];
  // Two new papers, and one the bundled dumps already hold (its page gains a source).
  const known = readFileSync(path.join(root, "content/dumps", readdirSync(path.join(root, "content/dumps")).sort()[1]), "utf8").split("\n");
  const repeated = known.findIndex((l) => l.startsWith("Subscribe") && l.length > 20);
  const dump = ["Get trending papers in your email inbox once a day!", "Get trending papers in your email inbox!", "SubscribeIncremental Builds of Paper Catalogues", "We rebuild a catalogue of papers after one new dump and compare it with a clean build.", "A Second New Paper on Static Site Generators", "Static site generators render pages from templates; we measure how incremental rebuilds scale.", known[repeated].slice("Subscribe".length), known[repeated + 1], ""].join("\n");
  try {
    const [inc, scratch] = dirs.map((d) => ({ dumps: path.join(d, "dumps"), out: path.join(d, "site") }));
    for (const d of [inc, scratch]) cpSync(path.join(root, "content/dumps"), d.dumps, { recursive: true });
    assert.ok((await build({ dumps: inc.dumps, out: inc.out, base: "/", strict: false, log: () => {} })).ok);
    const inodes = new Map(readdirSync(path.join(inc.out, "papers")).map((slug) => [slug, statSync(path.join(inc.out, "papers", slug, "index.html")).ino]));
    // Frozen term statistics are an input, like permalinks.json (stages/related.ts): the scratch build gets those the
    // rebuild reads, which three more papers do not refresh.
    const stats = readFileSync(path.join(dirs[0], "term-stats.json"));
    writeFileSync(path.join(dirs[1], "term-stats.json"), stats);

    for (const d of [inc, scratch]) writeFileSync(path.join(d.dumps, "zz_new.txt"), dump);
    const rebuilt = await build({ dumps: inc.dumps, out: inc.out, base: "/", strict: false, log: () => {} });
    assert.ok(rebuilt.ok);
    assert.ok((await build({ dumps: scratch.dumps, out: scratch.out, base: "/", strict: false, log: () => {} })).ok);

    assert.deepEqual(readFileSync(path.join(dirs[0], "term-stats.json")), stats);
    const incSite = tree(inc.out);
    assert.deepEqual(diff(incSite, tree(scratch.out)).filter((f) => !unstable.test(f)), []);
    assert.equal(readdirSync(path.join(inc.out, "papers")).length, 442);
    // Pages not rendered again are the very files of the previous output; the rendered ones replaced theirs.
    const same = [...inodes].filter(([slug, ino]) => statSync(path.join(inc.out, "papers", slug, "index.html")).ino === ino).length;
    assert.equal(same, rebuilt.counts.pagesReused);
    assert.ok(rebuilt.counts.pagesReused > 300 && rebuilt.counts.pagesRendered >= 3, `${rebuilt.counts.pagesRendered} rendered, ${rebuilt.counts.pagesReused} reused`);
    assert.ok(!readdirSync(dirs[0]).some((n) => n.includes("staging")), "no staging folder left");
  } finally {
    removeTestFolders(dirs);
  }
});

test("a catalogue built from scratch in another folder, its ingest in a child process, is byte-identical too, but for Pagefind's filter and metadata files", async () => {
  const dirs = [mkdtempSync(path.join(os.tmpdir(), "determinism-a-")), mkdtempSync(path.join(os.tmpdir(), "determinism-b-"))];
  try {
    const sites: Map<string, string>[] = [];
    for (const dir of dirs) {
      const dumps = path.join(dir, "dumps");
      cpSync(path.join(root, "test/fixtures/hostile/dumps"), dumps, { recursive: true });
      // The second build hands its ingest to a child process, as catalogues above a few MB of dumps do.
      await build({ dumps, out: path.join(dir, "site"), base: "/", strict: false, log: () => {}, ingestChildAbove: sites.length ? 0 : undefined });
      sites.push(tree(path.join(dir, "site")));
    }
    assert.deepEqual(diff(sites[0], sites[1]).filter((f) => !unstable.test(f)), []);
    assert.ok([...sites[0].keys()].some((f) => f.endsWith(".pf_fragment")));
  } finally {
    removeTestFolders(dirs);
  }
});

test("rebuilds whose index runs write over files made during the ingest equal builds from scratch, and drop the index pages that are gone", async () => {
  const dirs = [mkdtempSync(path.join(os.tmpdir(), "skeleton-")), mkdtempSync(path.join(os.tmpdir(), "skeleton-scratch-"))];
  try {
    const [inc, scratch] = dirs.map((d) => ({ dumps: path.join(d, "dumps"), out: path.join(d, "site") }));
    cpSync(path.join(root, "content/dumps"), inc.dumps, { recursive: true });
    // The ingest in a child process, as catalogues above a few MB of dumps have it: meanwhile the index runs' workers
    // load, and empty files are made where the last output has index pages (io.ts skeleton), for them to write over.
    const child = { base: "/", strict: false, log: () => {}, ingestChildAbove: 0 };
    const sameAsScratch = async (label: string) => {
      rmSync(dirs[1], { recursive: true, force: true });
      cpSync(inc.dumps, scratch.dumps, { recursive: true });
      // Frozen term statistics are an input (stages/related.ts), and so is the registry of published URLs (a removed
      // paper's URL keeps a "gone" page): the scratch build gets those the rebuild read.
      for (const f of ["term-stats.json", "permalinks.json"]) writeFileSync(path.join(dirs[1], f), readFileSync(path.join(dirs[0], f)));
      assert.ok((await build({ ...child, dumps: scratch.dumps, out: scratch.out })).ok);
      assert.deepEqual(diff(tree(inc.out), tree(scratch.out)).filter((f) => !unstable.test(f)), [], label);
    };
    assert.ok((await build({ ...child, dumps: inc.dumps, out: inc.out })).ok);
    // The largest dump goes: whole index pages (a topic's second page) with it.
    const largest = readdirSync(inc.dumps).sort((a, b) => statSync(path.join(inc.dumps, b)).size - statSync(path.join(inc.dumps, a)).size)[0];
    const removed = readFileSync(path.join(inc.dumps, largest));
    rmSync(path.join(inc.dumps, largest));
    const smaller = await build({ ...child, dumps: inc.dumps, out: inc.out });
    assert.ok(smaller.ok);
    assert.ok(smaller.counts.indexPagesGone > 0, `${smaller.counts.indexPagesGone} index pages gone`);
    await sameAsScratch("after a dump was removed");
    // It comes back: its pages are written beside the files made after the smaller output's.
    writeFileSync(path.join(inc.dumps, largest), removed);
    const larger = await build({ ...child, dumps: inc.dumps, out: inc.out });
    assert.ok(larger.ok);
    assert.equal(larger.counts.indexPagesGone, 0);
    await sameAsScratch("after it came back");
    assert.ok(!readdirSync(dirs[0]).some((n) => n.includes("staging")), "no staging folder left");
  } finally {
    removeTestFolders(dirs);
  }
});

test("a rebuild after a new dump, its index pages rendered while the ingest still ran, equals a build from scratch", async () => {
  const dirs = [mkdtempSync(path.join(os.tmpdir(), "early-")), mkdtempSync(path.join(os.tmpdir(), "early-scratch-"))];
  try {
    const [inc, scratch] = dirs.map((d) => ({ dumps: path.join(d, "dumps"), out: path.join(d, "site") }));
    cpSync(path.join(root, "content/dumps"), inc.dumps, { recursive: true });
    const child = { base: "/", strict: false, log: () => {}, ingestChildAbove: 0 };
    const first = await build({ ...child, dumps: inc.dumps, out: inc.out });
    assert.ok(first.ok);
    assert.ok(first.marks.eleventy[0] >= first.marks.ingest[1], "a first build renders after its ingest");
    // New papers in a dump whose name sorts last: the ingest extends the last build's catalogue.
    writeFileSync(path.join(inc.dumps, "zz_new.txt"), pageDump(synthPapers(bundledEntries(), 40, 7)));
    const rebuilt = await build({ ...child, dumps: inc.dumps, out: inc.out });
    assert.ok(rebuilt.ok);
    assert.ok(rebuilt.marks.eleventy[0] < rebuilt.marks.ingest[1], "the index runs began before the ingest ended");
    cpSync(inc.dumps, scratch.dumps, { recursive: true });
    writeFileSync(path.join(dirs[1], "term-stats.json"), readFileSync(path.join(dirs[0], "term-stats.json")));
    assert.ok((await build({ ...child, dumps: scratch.dumps, out: scratch.out })).ok);
    assert.deepEqual(diff(tree(inc.out), tree(scratch.out)).filter((f) => !unstable.test(f)), []);
  } finally {
    removeTestFolders(dirs);
  }
});
