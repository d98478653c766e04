// The hostile benchmark's case type and inputs: each case times a stage on a hostile input and on a normal input of the same size in bytes.
import path from "node:path";
import { root } from "../build.ts";
import { readYaml } from "../io.ts";
import { readDumps, type DumpFile } from "../dumps-file.ts";
import { initialState, runPipeline, stages } from "../pipeline.ts";
import { topicsFor, validateTaxonomy } from "../stages/classify.ts";
import { tokenize } from "../stages/related/tfidf.ts";
import { parseDump } from "../stages/parse.ts";
import { cleanText, extractLinks } from "../stages/text.ts";
import type { Entry } from "../types.ts";
import { compactDump, synthPapers, type SynthPaper } from "./synth.ts";

/** One case: a hostile input, a normal input of the same size in bytes, and the stage(s) run on either. */
export interface HostileCase<T = any> {
  name: string;
  /** The stage or stages `run` times. */
  stages: string;
  hostile: () => T;
  /** A normal input of about `bytes` bytes. */
  normal: (bytes: number) => T;
  bytes: (input: T) => number;
  run: (input: T) => unknown;
}

let seed: Entry[] | null = null;

/** The bundled dumps' entries: the material of normal inputs. */
export function bundledEntries(): Entry[] {
  seed ??= readDumps(path.join(root, "content/dumps")).dumps.flatMap((d) => parseDump(d.file, d.text).entries);
  return seed;
}

/** Real abstracts of the bundled dumps, cycled, adding up to `bytes` (the last one cut). */
export function normalAbstracts(bytes: number): string[] {
  const all = bundledEntries().map((e) => e.abstract);
  const out: string[] = [];
  let total = 0;
  for (let i = 0; total < bytes; i++) {
    let a = all[i % all.length];
    if (total + Buffer.byteLength(a) > bytes) a = a.slice(0, bytes - total);
    out.push(a);
    total += Buffer.byteLength(a) || 1;
  }
  return out;
}

/** Real prose of about `bytes` bytes on one line: abstracts of the bundled dumps joined by spaces. */
export function prose(bytes: number): string {
  return normalAbstracts(bytes).join(" ").slice(0, bytes);
}

/** A case of the text stage (clean text and links, in this thread) over a list of raw abstracts. */
export function textCase(name: string, hostile: () => string[]): HostileCase<string[]> {
  return {
    name,
    stages: "text",
    hostile,
    normal: normalAbstracts,
    bytes: (xs) => xs.reduce((n, x) => n + Buffer.byteLength(x), 0),
    run: (xs) => xs.map((x) => [cleanText(x), extractLinks(x)]),
  };
}

let taxonomyRead: ReturnType<typeof validateTaxonomy> | null = null;
const taxonomy = () => (taxonomyRead ??= validateTaxonomy(readYaml(path.join(root, "content/taxonomy.yaml"), null), "taxonomy.yaml"));

const pairsOf = (abstracts: string[]): [string, string][] => abstracts.map((a) => ["A Title", a]);

/** A case of the topics stage (topicsFor) over plain abstracts, each with a short title. */
export function topicsCase(name: string, hostile: () => string[]): HostileCase<string[]> {
  return { ...textCase(name, hostile), stages: "topics", run: (xs) => topicsFor(pairsOf(xs), taxonomy()) };
}

/** A case of the related stage's tokenisation over plain abstracts, each with a short title. */
export function tokensCase(name: string, hostile: () => string[]): HostileCase<string[]> {
  return { ...textCase(name, hostile), stages: "related (tokens)", run: (xs) => tokenize(pairsOf(xs).map(([title, abstract]) => ({ title, abstract }))) };
}

/** Runs the named pipeline stages, in pipeline order, over dumps given as [file name, text] (no cache, no files). */
export function runStages(names: string[], dumps: [string, string][]) {
  const list = stages.filter(([n]) => names.includes(n));
  const state = initialState({ dumps: dumps.map(([file, text]): DumpFile => ({ file, text })), registry: [], taxonomy: taxonomy(), overrides: { file: "overrides.yaml", data: null, lines: new Map() } });
  return runPipeline(state, undefined, null, list);
}

/** Synthetic papers as compact dumps of at most `perFile` papers each. */
export function compactDumps(papers: SynthPaper[], perFile: number): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i < papers.length; i += perFile) out.push([`synth_${String(out.length).padStart(4, "0")}.txt`, compactDump(papers.slice(i, i + perFile))]);
  return out;
}

/** A case of the parse and merge stages over dumps; the normal input is by default synthetic papers in compact dumps of 2,000. */
export function dumpCase(name: string, hostile: () => [string, string][], normal?: (bytes: number) => [string, string][]): HostileCase<[string, string][]> {
  return {
    name,
    stages: "parse+merge",
    hostile,
    normal: normal ?? ((bytes) => {
      const papers: SynthPaper[] = [];
      let total = 0;
      for (const p of synthPapers(bundledEntries(), Math.ceil(bytes / 900), 7)) {
        if (total >= bytes) break;
        papers.push(p);
        total += Buffer.byteLength(p.title) + Buffer.byteLength(p.abstract) + 2;
      }
      return compactDumps(papers, 2000);
    }),
    bytes: (ds) => ds.reduce((n, [, t]) => n + Buffer.byteLength(t), 0),
    run: (ds) => runStages(["parse", "merge"], ds),
  };
}

export { synthPapers };
