// `npm run build`: ingest the dumps → Eleventy (parallel runs) → Pagefind → catalogue.json, in a staging folder swapped in at the end.
import path from "node:path";
import os from "node:os";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { ingestForBuild, usesChild, type CardsReady } from "./ingest-process.ts";
import { extendingReads, ingestCacheDir } from "./ingest-cache.ts";
import { listDumps } from "./dumps-file.ts";
import { moveFile, prefetch, pruneSkeleton, removeAbandonedStaging, skeleton, swapIn, transplantPages, writeJson } from "./io.ts";
import { buildSearchIndex, searchBundles } from "./search-index.ts";
import { finishSearchPage } from "./search-page.ts";
import { ARCHIVE_PATH, writeArchive } from "./archive.ts";
import { SiteRender, WorkerPool, type IndexInput } from "./render.ts";
import { dropCache, lastRender, outputRecords, pageSlug, paperHtml, reuseUnchanged, templateVersion, writeCache, type LastRender, type RenderCache } from "./render-cache.ts";
import { Progress } from "./progress.ts";
import { printable } from "./printable.ts";
import { ArgumentError, checkArguments, normaliseBase } from "./arguments.ts";
import { markOurs } from "./output-marker.ts";

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

export { normaliseBase };

export async function build(given: BuildOptions): Promise<BuildResult> {
  // Every argument is checked before anything is read, made or removed (arguments.ts).
  const checked = checkArguments(given, root, [given.content ?? path.join(root, "content"), locations(given.dumps).papersDir]);
  const opts = { ...given, dumps: checked.dumps, url: checked.url };
  const run: Run = { timings: {}, marks: {}, counts: {}, progress: new Progress(opts.log) };
  const { base, out } = checked;
  const staging = `${out}.staging-${process.pid}`;
  checkDumps(opts.dumps, opts.out);
  removeAbandonedStaging(out);
  const tmp = mkdtempSync(path.join(os.tmpdir(), "catalogue-build-"));
  try {
    // The marker goes in first: a staging folder left by a stopped build is then known as the build's, and the site it
    // becomes holds it.
    rmSync(staging, { recursive: true, force: true });
    markOurs(staging);
    return await buildIn(opts, base, out, staging, tmp, run);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
    rmSync(staging, { recursive: true, force: true });
  }
}

/** Stops the build, naming the dumps folder, when it holds no dump to read: nothing else is touched. */
function checkDumps(dumps: string, out: string): void {
  const { files, skipped } = listDumps(dumps);
  if (files.length) return;
  const names = skipped.map((w) => JSON.stringify(w.file));
  const why = skipped.length ? `only entries that are not dumps (${names.slice(0, 5).join(", ")}${names.length > 5 ? ` and ${names.length - 5} more` : ""}: symbolic links, folders or other special files)` : "no dump files (names starting with \".\" are not dumps)";
  throw new Error(`dumps folder ${JSON.stringify(dumps)} holds ${why}; nothing to build: ${JSON.stringify(out)} left as it was`);
}

async function buildIn(opts: BuildOptions, base: string, out: string, staging: string, tmp: string, run: Run): Promise<BuildResult> {
  const first = await ingestAndRender(opts, base, out, staging, tmp, run);
  if (!first.ok) return { ok: false, report: first.report, timings: run.timings, marks: run.marks, counts: run.counts, papersDir: first.papersDir };
  try {
    const t2 = performance.now();
    const m2 = Date.now();
    run.progress.stage("pagefind: indexing the paper pages");
    const shardPages = path.join(path.dirname(out), `.${path.basename(out)}.search-pages`);
    markOurs(shardPages);
    const search = await buildSearchIndex({
      site: staging,
      previous: out,
      pages: new Map(Object.entries(first.cache.pages)),
      pagePath: (file) => path.join(first.kept.has(file) ? out : staging, paperHtml(file)),
      shardPages,
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
      // "Gone" pages are rendered afresh by the index run, often where a removed paper's page was.
      const gone = new Set(first.gone);
      transplantPages(staging, out, [...first.rendered.map(pageSlug), ...gone], removed.map(pageSlug).filter((slug) => !gone.has(slug)));
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
      prepared = skeleton(out, staging, INDEX_DIRS);
      prepared.catch(() => undefined);
    }
  };
  // An ingest that extends the last build's catalogue has seconds of mostly single-threaded work left once the cards are
  // written (the new papers' related lists, the pages): the index pages, which need only the cards, render meanwhile.
  const onCards = (cards: CardsReady) => {
    if (!large || !cards.extended || opts.strict || cards.papers === 0 || (opts.workers ?? os.availableParallelism()) < 2) return;
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
    const c0 = performance.now();
    const checking = lastRender(renderCacheFile(out), version, out).then((r) => ((run.timings.outputCheck = performance.now() - c0), r));
    checking.catch(() => undefined); // awaited below, unless the ingest fails first
    const ingested = await ingesting;
    const t = performance.now();
    const last = await checking;
    run.timings.outputCheckWait = performance.now() - t;
    Object.assign(run.timings, ingested.timings);
    run.counts.relatedSearched = ingested.searched;
    run.timings.ingest = performance.now() - t0;
    run.marks.ingest = [m0, Date.now()];
    try {
      await prepared;
      return await renderIngested(opts, out, staging, run, ingested, { papersDir, render, settings, version, last, eleventyFrom });
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

async function renderIngested(opts: BuildOptions, out: string, staging: string, run: Run, ingested: Awaited<ReturnType<typeof ingestForBuild>>, where: { papersDir: string; render: SiteRender; settings: (papers: number) => IndexInput["build"]; version: string; last: LastRender; eleventyFrom: { t: number; m: number } | null }) {
  const { papersDir, render, settings, version, last } = where;
  const report = ingested.report;
  opts.log(report);
  if (opts.strict && (ingested.warnings || ingested.rejected)) {
    opts.log(`--strict: ${ingested.warnings} warnings and ${ingested.rejected} rejected entries: site not built, ${opts.out} left as it was.`);
    rmSync(staging, { recursive: true, force: true });
    return { ok: false as const, report, papersDir };
  }
  if (ingested.papers === 0) {
    opts.log(`No papers: every entry of the dumps in ${JSON.stringify(opts.dumps)} was rejected or could not be read (see the report above): site not built, ${opts.out} left as it was.`);
    rmSync(staging, { recursive: true, force: true });
    return { ok: false as const, report, papersDir };
  }

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
    // What the next build checks the output against: the reused pages as checked, the rendered ones as written.
    const r0 = performance.now();
    const written = await outputRecords(staging, plan.render);
    run.timings.outputRecords = performance.now() - r0;
    cache.output = Object.fromEntries(Object.keys(cache.pages).map((f) => [f, written.get(f) ?? previous!.output![f]]));
    run.timings.eleventy = performance.now() - t1;
    run.timings.eleventyIndexes = rendered.indexesMs;
    run.counts.pagesRendered = plan.render.length;
    run.counts.pagesReused = plan.kept.size;
    run.marks.eleventy = [m1, Date.now()];
    // What the rebuild target counts: from the ingest's start to Eleventy's end.
    run.timings.ingestAndEleventy = run.marks.eleventy[1] - run.marks.ingest[0];
    await ingested.finished;
    moveFile(ingested.catalogueFile, path.join(staging, "catalogue.json"));
    return { ok: true as const, report, papersDir, cache, cacheFile, previous, arrival: ingested.arrival, kept: plan.kept, rendered: plan.render, gone: ingested.gone };
  } catch (e) {
    await render.abandon();
    rmSync(staging, { recursive: true, force: true });
    throw e;
  }
}

async function main(): Promise<void> {
  const options = {
    dumps: { type: "string", default: path.join(root, "content/dumps") },
    out: { type: "string", default: path.join(root, "site") },
    base: { type: "string", default: "/" },
    url: { type: "string" },
    strict: { type: "boolean", default: false },
    timings: { type: "string" },
    "no-disk-search": { type: "boolean", default: false },
    archive: { type: "boolean", default: false },
  } as const;
  let values: ReturnType<typeof parseArgs<{ options: typeof options }>>["values"];
  try {
    ({ values } = parseArgs({ options }));
  } catch (e) {
    // Unknown options, missing values and stray words, as node:util words them.
    throw new ArgumentError((e as Error).message);
  }
  const result = await build({ dumps: values.dumps!, out: values.out!, base: values.base!, url: values.url, strict: values.strict!, diskSearch: !values["no-disk-search"], archive: values.archive, log: (l) => console.log(l) });
  if (values.timings) writeJson(values.timings, { durations: result.timings, marks: result.marks, counts: result.counts });
  process.exitCode = result.ok ? 0 : 1;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e: Error) => {
    console.error(`${e instanceof ArgumentError ? "build refused" : "build failed"}: ${printable(e.message)}`);
    process.exitCode = 1;
  });
}
