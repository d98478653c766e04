// The ingest pipeline, declared in one place: parse → merge → clean text → permalinks → classify → relate → overrides.
import type { Entry, Paper, Rejected, Warning } from "./types.ts";
import type { DumpFile } from "./io.ts";
import { parseDump } from "./stages/parse.ts";
import { merge, type MergedPaper } from "./stages/merge.ts";
import { extractLinks } from "./stages/text.ts";
import { assignSlugs, type RegistryEntry } from "./stages/permalinks.ts";
import type { Taxonomy } from "./stages/classify.ts";
import { relate } from "./stages/related.ts";
import { applyOverrides, type OverridesFile } from "./stages/overrides.ts";
import { parallelMap } from "./parallel.ts";

/** Everything the stages read and produce: plain data, no I/O. */
export interface State {
  dumps: DumpFile[];
  registry: RegistryEntry[];
  taxonomy: Taxonomy;
  overrides: OverridesFile;
  perDump: { file: string; layout: string; entries: number }[];
  entries: Entry[];
  rejected: Rejected[];
  warnings: Warning[];
  merged: MergedPaper[];
  papers: Paper[];
}

/** A stage: plain data in, plain data out. Per-paper work may be spread over worker threads (parallel.ts), hence async. */
export type Stage = (s: State) => State | Promise<State>;

function parseStage(s: State): State {
  const perDump: State["perDump"] = [];
  const entries: Entry[] = [];
  const rejected: Rejected[] = [...s.rejected];
  const warnings: Warning[] = [...s.warnings];
  for (const d of s.dumps) {
    const r = parseDump(d.file, d.text);
    perDump.push({ file: d.file, layout: r.layout, entries: r.entries.length });
    entries.push(...r.entries);
    rejected.push(...r.rejected);
    warnings.push(...r.warnings);
  }
  return { ...s, perDump, entries, rejected, warnings };
}

function mergeStage(s: State): State {
  return { ...s, merged: merge(s.entries) };
}

async function cleanStage(s: State): Promise<State> {
  const clean = await parallelMap("text", s.merged.flatMap((m) => [m.rawTitle, m.rawAbstract]));
  const papers = s.merged.map(
    (m, i): Paper => ({
      id: m.id,
      slug: "",
      rawTitle: m.rawTitle,
      rawAbstract: m.rawAbstract,
      title: clean[2 * i],
      abstract: clean[2 * i + 1],
      date: m.date,
      upvotes: m.upvotes,
      authors: m.authors,
      links: extractLinks(m.rawAbstract),
      topics: [],
      keywords: [],
      related: [],
      sources: m.entries.map((e) => e.source),
    }),
  );
  return { ...s, papers };
}

function permalinkStage(s: State): State {
  const byId = new Map(s.merged.map((m) => [m.id, m]));
  const { slugs, registry } = assignSlugs(
    s.papers.map((p) => ({ id: p.id, key: byId.get(p.id)!.key, fingerprint: byId.get(p.id)!.fingerprint, title: p.title.plain })),
    s.registry,
  );
  return { ...s, registry, papers: s.papers.map((p) => ({ ...p, slug: slugs.get(p.id)! })) };
}

async function classifyStage(s: State): Promise<State> {
  const topics = await parallelMap("topics", s.papers.map((p): [string, string] => [p.title.plain, p.abstract.plain]), s.taxonomy);
  return { ...s, papers: s.papers.map((p, i) => ({ ...p, topics: topics[i] })) };
}

function relateStage(s: State): State {
  return { ...s, papers: relate(s.papers) };
}

function overridesStage(s: State): State {
  const topicIds = new Set([...s.taxonomy.topics.map((t) => t.id), "unsorted"]);
  const { papers, warnings } = applyOverrides(s.papers, s.overrides, topicIds);
  return { ...s, papers, warnings: [...s.warnings, ...warnings] };
}

/** The stages in order. Each takes and returns plain data. */
export const stages: [name: string, stage: Stage][] = [
  ["parse", parseStage],
  ["merge", mergeStage],
  ["text", cleanStage],
  ["permalinks", permalinkStage],
  ["topics", classifyStage],
  ["related", relateStage],
  ["overrides", overridesStage],
];

export function initialState(input: Pick<State, "dumps" | "registry" | "taxonomy" | "overrides"> & { warnings?: Warning[] }): State {
  return { perDump: [], entries: [], rejected: [], merged: [], papers: [], ...input, warnings: input.warnings ?? [] };
}

/** Runs every stage; `onStage` receives each stage's name and wall time (for the report and the benchmark). */
export async function runPipeline(state: State, onStage?: (name: string, ms: number) => void): Promise<State> {
  let s = state;
  for (const [name, stage] of stages) {
    const t0 = performance.now();
    s = await stage(s);
    onStage?.(name, performance.now() - t0);
  }
  return s;
}
