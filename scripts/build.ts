// `npm run build`: ingest the dumps → Eleventy (parallel runs) → Pagefind → catalogue.json, in a staging folder swapped in at the end.
import path from "node:path";
import os from "node:os";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { ingestForBuild, usesChild, type CardsReady } from "./ingest-process.ts";
import { extendingReads, ingestCacheDir } from "./ingest-cache.ts";
import { moveFile, prefetch, pruneSkeleton, removeAbandonedStaging, skeleton, swapIn, transplantPages, writeJson } from "./io.ts";
import { buildSearchIndex, searchBundles } from "./search-index.ts";
import { finishSearchPage } from "./search-page.ts";
import { ARCHIVE_PATH, writeArchive } from "./archive.ts";
import { SiteRender, WorkerPool, type IndexInput } from "./render.ts";
import { dropCache, lastRender, pageSlug, paperHtml, reuseUnchanged, templateVersion, writeCache, type LastRender, type RenderCache } from "./render-cache.ts";
import { Progress } from "./progress.ts";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** The index pages' folders in the output (see io.ts skeleton). */
const INDEX_DIRS = ["topics", "dates"];

export interface BuildOptions {
  dumps: string;
  out: string;
  base: string;
  url?: string;
  strict: boolean;
  log: (line: string) => void;
  /** Eleventy input folder (templates); default the project's `content/`. For tests. */
  content?: string;
  /** Worker processes for Eleventy and Pagefind; default one per core. */
  workers?: number;
  /** Most paper pages per search bundle (default SEARCH_SHARD; tests use small shards to get several bundles). */
  searchShard?: number;
  /** Bytes of dumps from which the ingest runs in a child process (default CHILD_ABOVE_BYTES; tests use 0). */
  ingestChildAbove?: number;
  /** Write the files that let search run from a copy opened from disk (default true; --no-disk-search). */
  diskSearch?: boolean;
  /** Also write the whole site as one zip, linked from the home page (--archive). */
  archive?: boolean;
}

export interface BuildResult {
  ok: boolean;
  report: string;
  timings: Record<string, number>;
  /** Paper pages rendered and reused by this build's Eleventy runs. */
  counts: Record<string, number>;
  /** Wall-clock start and end (epoch ms) of the top-level stages, for the benchmark's memory sampling. */
  marks: Record<string, [number, number]>;
  /** Where the generated Markdown pages were written. */
  papersDir: string;
}

/**
 * Where a dumps folder's generated pages and curator files live. The bundled dumps use the project's `content/`
 * (pages in `content/papers/`); another dumps folder keeps `permalinks.json` and `overrides.yaml` beside it and
 * its generated pages in a cache folder.
 */
export function locations(dumps: string): { papersDir: string; state: string } {
  const projectContent = path.join(root, "content");
  if (path.resolve(dumps) === path.join(projectContent, "dumps")) return { papersDir: path.join(projectContent, "papers"), state: projectContent };
  const key = createHash("sha256").update(path.resolve(dumps)).digest("hex").slice(0, 16);
  return { papersDir: path.join(os.tmpdir(), "paper-catalogue", key, "papers"), state: path.dirname(path.resolve(dumps)) };
}

/**
 * Removes what builds keep between builds for a temporary catalogue (tests, the benchmark), which would otherwise pile
 * up in node_modules/.cache (about 0.5 GB per 100,000 papers): given the output folder, that output's render cache;
 * for a dumps folder outside the project, its generated pages (in the temporary folder) and its ingest cache.
 */
export function removeBuildState(dumps: string, out?: string): void {
  if (out !== undefined) rmSync(renderCacheFile(path.resolve(out)), { force: true });
  const { state, papersDir } = locations(dumps);
  if (state === path.join(root, "content")) return;
  const dir = path.dirname(papersDir);
  if (path.resolve(dir).startsWith(path.join(os.tmpdir(), "paper-catalogue") + path.sep)) rmSync(dir, { recursive: true, force: true });
  rmSync(ingestCacheDir(dumps), { recursive: true, force: true });
}

/** Where the render cache (render-cache.ts) of an output folder is kept. */
function renderCacheFile(out: string): string {
  return path.join(root, "node_modules/.cache/paper-catalogue", createHash("sha256").update(out).digest("hex").slice(0, 16) + ".json");
}

export function normaliseBase(base: string): string {
  const trimmed = base.trim().replace(/^\/+|\/+$/g, "");
  if (trimmed && !/^[A-Za-z0-9._~\-\/]+$/.test(trimmed)) throw new Error(`--base ${JSON.stringify(base)}: use a URL path such as /catalogue/`);
  return trimmed ? `/${trimmed}/` : "/";
}

export async function build(opts: BuildOptions): Promise<BuildResult> {
  const run: Run = { timings: {}, marks: {}, counts: {}, progress: new Progress(opts.log) };
  const base = normaliseBase(opts.base);
  const out = path.resolve(opts.out);
  const staging = `${out}.staging-${process.pid}`;
  removeAbandonedStaging(out);
  const tmp = mkdtempSync(path.join(os.tmpdir(), "catalogue-build-"));
  try {
    return await buildIn(opts, base, out, staging, tmp, run);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

async function buildIn(opts: BuildOptions, base: string, out: string, staging: string, tmp: string, run: Run): Promise<BuildResult> {
  const first = await ingestAndRender(opts, base, out, staging, tmp, run);
  if (!first.ok) return { ok: false, report: first.report, timings: run.timings, marks: run.marks, counts: run.counts, papersDir: first.papersDir };
  try {
    const t2 = performance.now();
    const m2 = Date.now();
    run.progress.stage("pagefind: indexing the paper pages");
    const search = await buildSearchIndex({
      site: staging,
      previous: out,
      pages: new Map(Object.entries(first.cache.pages)),
      pagePath: (file) => path.join(first.kept.has(file) ? out : staging, paperHtml(file)),
      shardPages: path.join(path.dirname(out), `.${path.basename(out)}.search-pages`),
      order: first.arrival,
      templates: first.cache.version,
      known: first.previous?.version === first.cache.version ? new Map(Object.entries(first.previous.search ?? {}).map(([f, [page, article]]) => [f, { page, article }])) : undefined,
      shardSize: opts.searchShard,
      diskSearch: opts.diskSearch,
      workers: opts.workers,
      onShardDone: (done, total, papers) => run.progress.count(done, total, papers, "search shards"),
    });
    run.timings.pagefind = performance.now() - t2;
    run.marks.pagefind = [m2, Date.now()];
    run.counts.searchShards = search.shards;
    run.counts.searchShardsReused = search.reused;
    opts.log(`Search index: ${search.pages} pages in ${search.shards} ${search.shards === 1 ? "bundle" : "bundles"}${search.reused ? ` (${search.reused} unchanged, kept)` : ""}`);
    await finishSearchPage(staging);
    if (first.kept.size) {
      dropCache(first.cacheFile);
      const removed = Object.keys(first.previous?.pages ?? {}).filter((f) => !(f in first.cache.pages));
      transplantPages(staging, out, first.rendered.map(pageSlug), removed.map(pageSlug));
    }
    if (opts.archive) {
      run.progress.stage("archive: the whole site as one zip");
      opts.log(`Archive: ${await writeArchive(staging)} files in ${ARCHIVE_PATH.slice(1)}`);
    }
    swapIn(staging, out);
    writeCache(first.cacheFile, { ...first.cache, search: Object.fromEntries([...search.articles].map(([f, a]) => [f, [a.page, a.article]])) });
  } catch (e) {
    // A swap that failed after the paper pages moved into the staging folder: they go back to the output they serve.
    const moved = path.join(staging, "papers");
    if (first.kept.size && existsSync(moved) && existsSync(out) && !existsSync(path.join(out, "papers"))) renameSync(moved, path.join(out, "papers"));
    rmSync(staging, { recursive: true, force: true });
    throw e;
  }
  run.progress.done();
  opts.log(`Site written to ${path.relative(process.cwd(), out) || "."} (base ${base})`);
  return { ok: true, report: first.report, timings: run.timings, marks: run.marks, counts: run.counts, papersDir: first.papersDir };
}

interface Run {
  timings: Record<string, number>;
  marks: Record<string, [number, number]>;
  counts: Record<string, number>;
  progress: Progress;
}

/** Ingest, then Eleventy into `staging` (plus catalogue.json); removes `staging` if anything fails. */
async function ingestAndRender(opts: BuildOptions, base: string, out: string, staging: string, tmp: string, run: Run) {
  const { papersDir, state } = locations(opts.dumps);
  const content = path.resolve(opts.content ?? path.join(root, "content"));
  const taxonomyFile = path.join(root, "content/taxonomy.yaml");
  const t0 = performance.now();
  const m0 = Date.now();
  run.progress.stage("ingest");
  // A large ingest runs in a child process and, once it has read the dumps (its first stage reported), leaves a core
  // idle for seconds: meanwhile Eleventy's two index runs load, and the staging folder gets an empty file wherever the
  // last output has an index page (io.ts skeleton), for those runs to write over.
  const large = usesChild(opts.dumps, opts.ingestChildAbove);
  // What a rebuild reads of its caches, in the order it reads it, on its way from disk while the processes start.
  if (large) prefetch([path.join(state, "permalinks.json"), ...extendingReads(ingestCacheDir(opts.dumps)), path.join(state, "term-stats.json"), renderCacheFile(out)]);
  const pool = new WorkerPool();
  const render = new SiteRender({ out: staging, content, papersDir, taxonomyFile, workers: opts.workers, pool, onJobDone: (done, total, papers) => run.progress.count(done, total, papers) });
  const settings = (papers: number): IndexInput["build"] => ({ base, url: opts.url ?? null, searchBundles: searchBundles(papers, opts.searchShard), archive: opts.archive ? ARCHIVE_PATH : null });
  let prepared: Promise<unknown> = Promise.resolve();
  let started = false;
  // When the Eleventy runs began: with the index pages, while the ingest still runs, or after it.
  let eleventyFrom: { t: number; m: number } | null = null;
  const onStage = (name: string, ms: number) => {
    run.progress.step(`${name} ${(ms / 1000).toFixed(1)} s`);
    if (large && !started) {
      started = true;
      pool.preload(2);
      rmSync(staging, { recursive: true, force: true });
      prepared = mkdir(staging, { recursive: true }).then(() => skeleton(out, staging, INDEX_DIRS));
      prepared.catch(() => undefined);
    }
  };
  // An ingest that extends the last build's catalogue has seconds of mostly single-threaded work left once the cards are
  // written (the new papers' related lists, the pages): the index pages, which need only the cards, render meanwhile.
  const onCards = (cards: CardsReady) => {
    if (!large || !cards.extended || opts.strict || (opts.workers ?? os.availableParallelism()) < 2) return;
    eleventyFrom = { t: performance.now(), m: Date.now() };
    run.progress.step("eleventy: index pages rendering beside the rest of the ingest");
    render.startIndexes({ cardsFile: cards.file, build: settings(cards.papers) }, prepared);
  };
  try {
    const ingesting = ingestForBuild({ dumps: opts.dumps, papersDir, state, taxonomy: taxonomyFile }, tmp, onStage, opts.ingestChildAbove, onCards);
    ingesting.catch(() => undefined); // awaited below, unless reading the render cache fails first
    // Meanwhile (a large ingest runs in its own process): what the render cache compares the ingest's pages with. The
    // ingest's own files under content/ (the bundled dumps, the registry and term statistics it writes) are not
    // templates: they reach the pages through the pages' hashes.
    const inputs = ["dumps", "permalinks.json", "term-stats.json"].map((f) => path.join(content, f));
    const version = templateVersion([content, path.join(root, "layouts"), path.join(root, "scripts/eleventy"), path.join(root, "scripts/katex-options.ts"), path.join(root, "scripts/search-index.ts"), path.join(root, "scripts/search-disk.ts"), path.join(root, "package-lock.json")], { base, url: opts.url ?? null, content, archive: opts.archive ?? false }, inputs);
    const last = lastRender(renderCacheFile(out), version, out);
    const ingested = await ingesting;
    Object.assign(run.timings, ingested.timings);
    run.counts.relatedSearched = ingested.searched;
    run.timings.ingest = performance.now() - t0;
    run.marks.ingest = [m0, Date.now()];
    try {
      await prepared;
      return await renderIngested(opts, out, staging, run, ingested, { papersDir, render, settings, prepared: started, version, last, eleventyFrom });
    } finally {
      // Whatever happened, the ingest's child process has stopped writing into the temporary folder before it goes.
      await ingested.finished.catch(() => undefined);
    }
  } catch (e) {
    await prepared.catch(() => undefined);
    await render.abandon();
    rmSync(staging, { recursive: true, force: true });
    throw e;
  } finally {
    pool.close();
    render.close();
  }
}

async function renderIngested(opts: BuildOptions, out: string, staging: string, run: Run, ingested: Awaited<ReturnType<typeof ingestForBuild>>, where: { papersDir: string; render: SiteRender; settings: (papers: number) => IndexInput["build"]; prepared: boolean; version: string; last: LastRender; eleventyFrom: { t: number; m: number } | null }) {
  const { papersDir, render, settings, prepared, version, last } = where;
  const report = ingested.report;
  opts.log(report);
  if (opts.strict && (ingested.warnings || ingested.rejected)) {
    opts.log(`--strict: ${ingested.warnings} warnings and ${ingested.rejected} rejected entries: site not built, ${opts.out} left as it was.`);
    rmSync(staging, { recursive: true, force: true });
    return { ok: false as const, report, papersDir };
  }

  if (!prepared) rmSync(staging, { recursive: true, force: true });
  mkdirSync(path.dirname(out), { recursive: true });
  try {
    const { t: t1, m: m1 } = where.eleventyFrom ?? { t: performance.now(), m: Date.now() };
    const cacheFile = renderCacheFile(out);
    const cache: RenderCache = { version, pages: Object.fromEntries(ingested.pageHashes) };
    const previous = last.previous;
    const plan = reuseUnchanged(last, cache);
    run.progress.stage(`eleventy: ${plan.render.length} paper pages to render${plan.kept.size ? `, ${plan.kept.size} unchanged` : ""}, and the index pages`);
    const rendered = await render.finish(plan.render, { cardsFile: ingested.cardsFile, build: settings(ingested.papers) });
    run.counts.indexPagesGone = pruneSkeleton(staging, INDEX_DIRS);
    run.timings.eleventy = performance.now() - t1;
    run.timings.eleventyIndexes = rendered.indexesMs;
    run.counts.pagesRendered = plan.render.length;
    run.counts.pagesReused = plan.kept.size;
    run.marks.eleventy = [m1, Date.now()];
    // What the rebuild target counts: from the ingest's start to Eleventy's end.
    run.timings.ingestAndEleventy = run.marks.eleventy[1] - run.marks.ingest[0];
    await ingested.finished;
    moveFile(ingested.catalogueFile, path.join(staging, "catalogue.json"));
    return { ok: true as const, report, papersDir, cache, cacheFile, previous, arrival: ingested.arrival, kept: plan.kept, rendered: plan.render };
  } catch (e) {
    await render.abandon();
    rmSync(staging, { recursive: true, force: true });
    throw e;
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      dumps: { type: "string", default: path.join(root, "content/dumps") },
      out: { type: "string", default: path.join(root, "site") },
      base: { type: "string", default: "/" },
      url: { type: "string" },
      strict: { type: "boolean", default: false },
      timings: { type: "string" },
      "no-disk-search": { type: "boolean", default: false },
      archive: { type: "boolean", default: false },
    },
  });
  const result = await build({ dumps: values.dumps!, out: values.out!, base: values.base!, url: values.url, strict: values.strict!, diskSearch: !values["no-disk-search"], archive: values.archive, log: (l) => console.log(l) });
  if (values.timings) writeJson(values.timings, { durations: result.timings, marks: result.marks, counts: result.counts });
  process.exitCode = result.ok ? 0 : 1;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e: Error) => {
    console.error(`build failed: ${e.message}`);
    process.exitCode = 1;
  });
}
