// Ingest: reads the dumps and curator files, runs the pipeline, writes one Markdown page per paper and the registry.
import path from "node:path";
import { createHash } from "node:crypto";
import { readFileSync, existsSync } from "node:fs";
import { readDumps, readRegistry, readYaml, syncPages, writeRegistry } from "./io.ts";
import { initialState, runPipeline, type State } from "./pipeline.ts";
import { validateTaxonomy } from "./stages/classify.ts";
import { pages } from "./stages/write.ts";

export interface IngestOptions {
  /** Folder of dump files. */
  dumps: string;
  /** Folder the generated paper pages are written to. */
  papersDir: string;
  /** Folder holding permalinks.json and overrides.yaml (the project's `content/` for the bundled dumps). */
  state: string;
  /** Taxonomy file. */
  taxonomy: string;
}

export interface IngestResult {
  state: State;
  timings: Record<string, number>;
  written: { written: number; unchanged: number; removed: number };
  /** File name → content hash of every paper page, in order. */
  pageHashes: Map<string, string>;
}

export async function ingest(opts: IngestOptions, onStage?: (name: string, ms: number) => void): Promise<IngestResult> {
  const timings: Record<string, number> = {};
  const t0 = performance.now();
  const { dumps, warnings } = readDumps(opts.dumps);
  const registryFile = path.join(opts.state, "permalinks.json");
  const overridesFile = path.join(opts.state, "overrides.yaml");
  const state0 = initialState({
    dumps,
    warnings,
    registry: readRegistry(registryFile),
    taxonomy: validateTaxonomy(readYaml(opts.taxonomy, null), opts.taxonomy),
    overrides: { file: overridesFile, data: readYaml(overridesFile, {}), lines: keyLines(overridesFile) },
  });
  timings.read = performance.now() - t0;
  const state = await runPipeline(state0, (name, ms) => {
    timings[name] = ms;
    onStage?.(name, ms);
  });
  const t1 = performance.now();
  const texts = await pages(state.papers);
  const written = syncPages(opts.papersDir, texts);
  writeRegistry(registryFile, state.registry);
  timings.write = performance.now() - t1;
  const pageHashes = new Map([...texts].map(([file, text]) => [file, createHash("sha256").update(text).digest("hex").slice(0, 20)]));
  return { state, timings, written, pageHashes };
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
