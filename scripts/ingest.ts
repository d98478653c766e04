// Ingest: reads the dumps and curator files, runs the pipeline, writes one Markdown page per paper and the registry.
import os from "node:os";
import path from "node:path";
import { readFileSync, existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { readDumps, readRegistry, readTermStats, readYaml, syncPages, writeRegistry, writeTermStats } from "./io.ts";
import { initialState, runPipeline, type State } from "./pipeline.ts";
import { validateTaxonomy } from "./stages/classify.ts";
import { pageOutputs } from "./stages/write.ts";
import type { CleanText } from "./types.ts";
import type { KnownTokens } from "./stages/related.ts";
import type { NeighbourState } from "./stages/related/carry-over.ts";
import { cacheDir, codeVersion, IngestCache } from "./ingest-cache.ts";
import { onWorker, warmUp } from "./parallel.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
/** Characters of dumps (~7,000 papers) from which worker threads are started early and list and write the pages. */
const WARM_UP_FROM = 8_000_000;

export interface IngestOptions {
  /** Folder of dump files. */
  dumps: string;
  /** Folder the generated paper pages are written to. */
  papersDir: string;
  /** Folder holding permalinks.json, term-stats.json and overrides.yaml (the project's `content/` for the bundled dumps). */
  state: string;
  /** Taxonomy file. */
  taxonomy: string;
  /**
   * Folder of the cache kept between builds (ingest-cache.ts); default: one per dumps folder under
   * node_modules/.cache/paper-catalogue/ingest/. null: no cache (same output, every result computed).
   */
  cache?: string | null;
}

/** The default cache folder of a dumps folder's ingest (see IngestOptions.cache). */
export function ingestCacheDir(dumps: string): string {
  return cacheDir(path.join(root, "node_modules/.cache/paper-catalogue/ingest"), dumps);
}

export interface IngestResult {
  state: State;
  timings: Record<string, number>;
  written: { written: number; unchanged: number; removed: number };
  /** File name → content hash of every paper page, in order. */
  pageHashes: Map<string, string>;
}

/** What each cache table's results depend on, besides its keys: the ingest's code, the libraries, the taxonomy. */
function versions(taxonomy: string): Record<string, string> {
  const code = ["scripts/stages", "scripts/pipeline.ts", "scripts/parallel.ts", "scripts/parallel-tasks.ts", "scripts/parallel-worker.mjs", "scripts/types.ts", "scripts/katex-options.ts", "scripts/frontmatter.ts", "scripts/io.ts", "scripts/ingest-cache.ts", "package-lock.json"].map((p) => path.join(root, p));
  const version = codeVersion(code);
  return { text: version, tokens: version, neighbours: version, pages: version, topics: codeVersion([...code, taxonomy]) };
}

export async function ingest(opts: IngestOptions, onStage?: (name: string, ms: number) => void): Promise<IngestResult> {
  const timings: Record<string, number> = {};
  const t0 = performance.now();
  const { dumps, warnings } = readDumps(opts.dumps);
  // A large catalogue will want worker threads (the related stage always does): they load meanwhile; one lists the pages
  // of the last build while this thread parses, and later writes the pages while this thread makes the next ones.
  const large = dumps.reduce((n, d) => n + d.text.length, 0) >= WARM_UP_FROM && os.availableParallelism() > 1;
  if (large) warmUp();
  const listing = large ? onWorker("listPages", [opts.papersDir]).then(([files]) => files) : undefined;
  listing?.catch(() => undefined); // awaited by syncPages; a failed stage before that must not crash on it
  const registryFile = path.join(opts.state, "permalinks.json");
  const overridesFile = path.join(opts.state, "overrides.yaml");
  const termsFile = path.join(opts.state, "term-stats.json");
  const terms = readTermStats(termsFile);
  const state0 = initialState({
    dumps,
    warnings: [...warnings, ...terms.warnings],
    registry: readRegistry(registryFile),
    terms: terms.stats,
    taxonomy: validateTaxonomy(readYaml(opts.taxonomy, null), opts.taxonomy),
    overrides: { file: overridesFile, data: readYaml(overridesFile, {}), lines: keyLines(overridesFile) },
  });
  timings.read = performance.now() - t0;
  const tc = performance.now();
  const cache = opts.cache === null ? null : new IngestCache(opts.cache ?? ingestCacheDir(opts.dumps), versions(opts.taxonomy));
  const known = cache && { text: cache.table<CleanText>("text"), topics: cache.table<string[]>("topics"), tokens: cache.table<KnownTokens>("tokens"), neighbours: cache.slot<NeighbourState>("neighbours") };
  timings.cache = performance.now() - tc;
  const state = await runPipeline(
    state0,
    (name, ms) => {
      timings[name] = ms;
      onStage?.(name, ms);
    },
    known,
  );
  const t1 = performance.now();
  const writer = large ? (batch: [string, string][]) => onWorker("writePages", batch) : undefined;
  const { records, ...written } = await syncPages(opts.papersDir, pageOutputs(state.papers), cache?.pageRecords(opts.papersDir), cache?.table<string>("pages"), writer, listing);
  writeRegistry(registryFile, state.registry);
  if (state.terms && state.terms.papers > 0) writeTermStats(termsFile, state.terms);
  cache?.save(opts.dumps, opts.papersDir, records);
  timings.write = performance.now() - t1;
  return { state, timings, written, pageHashes: new Map([...records].map(([file, r]) => [file, r.hash])) };
}

/** Line number of each top-level key of a YAML mapping, for messages about overrides. */
function keyLines(file: string): Map<string, number> {
  const lines = new Map<string, number>();
  if (!existsSync(file)) return lines;
  readFileSync(file, "utf8")
    .split(/\r?\n/)
    .forEach((l, i) => {
      const m = /^(?:"([^"]+)"|'([^']+)'|([^\s#:'"][^:]*?)):(\s|$)/.exec(l);
      if (m) lines.set(m[1] ?? m[2] ?? m[3], i + 1);
    });
  return lines;
}
