// Runs the ingest for the build and hands back only what the later stages need; large catalogues ingest in a child
// process, so the memory of the whole catalogue goes back to the system before Eleventy and Pagefind start.
import { spawn } from "node:child_process";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
// The ingest's own modules are imported where it runs, not here: the build imports this file and, for a large
// catalogue, starts the child process sooner without loading them first (about 0.7 s).
import type { IngestOptions, IngestResult, KeptText } from "./ingest.ts";
import type { Paper } from "./types.ts";
import type { GonePage } from "./stages/permalinks.ts";

/** Below this many bytes of dumps, the ingest runs in the build's own process (start-up would cost more than it saves). */
export const CHILD_ABOVE_BYTES = 4 * 1024 * 1024;

export interface IngestSummary {
  report: string;
  warnings: number;
  rejected: number;
  papers: number;
  /** Papers the related stage searched for neighbours (see State.searched). */
  searched: number;
  timings: Record<string, number>;
  /** File name → content hash of every paper page, in order. */
  pageHashes: [string, string][];
  /** Paper page files in the order their papers first appear in the dumps (file name, then line). */
  arrival: string[];
  /** Where every paper's card (for the index pages) and the catalogue.json text are written. */
  cardsFile: string;
  catalogueFile: string;
  /** Slugs of the published URLs no paper holds now: the index pages' run renders a "gone" page at each. */
  gone: string[];
}

/** Every paper's card, written as soon as the catalogue stages are done: the index pages need nothing later stages make. */
export interface CardsReady {
  /** The cards file (JSON; IngestSummary.cardsFile). */
  file: string;
  papers: number;
  /** Whether the catalogue extends the last build's: what is left of the ingest is then light (see ingest.ts). */
  extended: boolean;
}

/**
 * Ingests the dumps; writes the cards and catalogue.json into `tmp`. `onStage` hears each stage's name and time as it
 * ends, `onCards` when the cards are written (also from the child process, through its standard output).
 */
export async function ingestForBuild(opts: IngestOptions, tmp: string, onStage: (name: string, ms: number) => void, childAbove = CHILD_ABOVE_BYTES, onCards: (cards: CardsReady) => void = () => undefined): Promise<IngestSummary & { finished: Promise<void> }> {
  if (!usesChild(opts.dumps, childAbove)) {
    const { summary, finish } = await ingestAndSummarise(opts, tmp, onStage, onCards);
    await finish();
    return { ...summary, finished: Promise.resolve() };
  }
  const summaryFile = path.join(tmp, "ingest.json");
  const self = fileURLToPath(import.meta.url);
  // The child hands over its summary, then writes catalogue.json, the registry and its cache (a few seconds at 100,000
  // papers) while Eleventy starts.
  let summarised!: () => void;
  const summaryReady = new Promise<void>((resolve) => (summarised = resolve));
  const exited = new Promise<void>((resolve, reject) => {
    // A larger young generation: the ingest allocates millions of short-lived objects, and with V8's default 16 MB
    // semi-spaces garbage collection took a fifth of its time (measured at 100,000 papers: 45 → 38 s).
    // Regular expressions compiled to machine code at once rather than first interpreted: a rebuild classifies a few
    // hundred new papers, too few for the taxonomy's rules to get past V8's interpreter (57 papers classified in a
    // fresh process: 256 ms, 130 ms with the flag; the same 20–30 ms either way once compiled).
    const child = spawn(process.execPath, ["--no-regexp-tier-up", "--max-semi-space-size=64", "--import", "tsx", self, JSON.stringify(opts), tmp, summaryFile], { stdio: ["ignore", "pipe", "pipe"] });
    let err = "";
    let pending = "";
    child.stdout.on("data", (d: Buffer) => {
      pending += d.toString();
      const lines = pending.split("\n");
      pending = lines.pop()!;
      for (const l of lines) {
        const m = /^stage (\S+) ([\d.]+)$/.exec(l);
        if (m) onStage(m[1], Number(m[2]));
        const c = /^cards (\d+) (true|false) (.+)$/.exec(l);
        if (c) onCards({ papers: Number(c[1]), extended: c[2] === "true", file: c[3] });
        if (l === SUMMARY_READY) summarised();
      }
    });
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`ingest failed (exit ${code}):\n${err.trim().split("\n").slice(-15).join("\n")}`))));
  });
  // A failure before the summary fails the ingest; one after it fails the build when it waits for catalogue.json.
  await Promise.race([summaryReady, exited]);
  exited.catch(() => undefined);
  return { ...(JSON.parse(readFileSync(summaryFile, "utf8")) as IngestSummary), finished: exited };
}

/** Whether the ingest of these dumps runs in a child process (see CHILD_ABOVE_BYTES). */
export function usesChild(dumps: string, childAbove = CHILD_ABOVE_BYTES): boolean {
  return dumpBytes(dumps) >= childAbove;
}

/** The line the child prints once its summary is written. */
const SUMMARY_READY = "summary ready";

/** The ingest's summary, and what is left to do: write catalogue.json, the registry and the cache (none needed until the site is assembled). */
async function ingestAndSummarise(opts: IngestOptions, tmp: string, onStage: (name: string, ms: number) => void, onCards: (cards: CardsReady) => void): Promise<{ summary: IngestSummary; finish: () => Promise<void> }> {
  const [{ ingest }, { formatReport }, { overridden }] = await Promise.all([import("./ingest.ts"), import("./report.ts"), import("./pipeline.ts")]);
  const cardsFile = path.join(tmp, "cards.json");
  const catalogueFile = path.join(tmp, "catalogue.json");
  const ingested = await ingest({ ...opts, deferSave: true }, onStage, async (catalogue, extended, kept) => {
    await writeCards(overridden(catalogue), kept, cardsFile, catalogue.gone);
    onCards({ file: cardsFile, papers: catalogue.papers.length, extended });
  });
  const s = ingested.state;
  const summary: IngestSummary = {
    report: formatReport(s, ingested.written),
    warnings: s.warnings.length,
    rejected: s.rejected.length,
    papers: s.papers.length,
    searched: s.searched ?? s.papers.length,
    timings: ingested.timings,
    pageHashes: [...ingested.pageHashes],
    arrival: arrivalOrder(s.papers),
    cardsFile,
    catalogueFile,
    gone: s.gone.map((g) => g.slug),
  };
  const finish = async () => {
    await writeCatalogueJson(ingested, catalogueFile);
    ingested.keepState();
  };
  return { summary, finish };
}

/**
 * Writes catalogue.json to `file`, made from the last build's when that holds the carried papers' entries
 * (stages/write.ts spliceCatalogueJson). Says which.
 */
export async function writeCatalogueJson(ingested: IngestResult, file: string): Promise<"written" | "spliced"> {
  const { catalogueJson, spliceCatalogueJson } = await import("./stages/write.ts");
  return writeKept(file, ingested.catalogueJson, () => catalogueJson(ingested.state), (last, carried) => spliceCatalogueJson(ingested.state, last, carried));
}

/** Writes the cards file (cards-file.ts) to `file`, made from the last build's when that holds the carried papers' cards. Says which. */
export async function writeCards(papers: Paper[], kept: KeptText | null, file: string, gone: GonePage[] = []): Promise<"written" | "spliced"> {
  const { cardsText, spliceCardsText } = await import("./cards-file.ts");
  return writeKept(file, kept, () => cardsText(papers, gone), (last, carried) => spliceCardsText(papers, last, carried, gone));
}

/**
 * Writes a text to `file`: made `whole`, or spliced from the last build's (`splice`: null when it cannot be). With a
 * cache, the text is kept there too (a link, not a second write) for the next build.
 */
async function writeKept(file: string, kept: KeptText | null, whole: () => Iterable<string | Buffer>, splice: (last: Buffer, carried: Set<string>) => (string | Buffer)[] | null): Promise<"written" | "spliced"> {
  const { readIfHash, writeChunks, writeChunksKept } = await import("./io.ts");
  if (!kept) {
    writeChunks(file, whole());
    return "written";
  }
  const last = kept.last && readIfHash(kept.file, kept.last.hash);
  const spliced = last ? splice(last, kept.last!.carried) : null;
  kept.record(writeChunksKept(kept.file, file, spliced ?? whole()));
  return spliced ? "spliced" : "written";
}

/** Page files by where their papers first appear: dump file name, then line (a paper's sources are in that order). */
function arrivalOrder(papers: Paper[]): string[] {
  // Dump files ranked once: compared by name in every comparison, the sort took about 0.3 s at 100,000 papers.
  const rank = new Map([...new Set(papers.map((p) => p.sources[0].file))].sort().map((f, i) => [f, i]));
  const keyed = papers.map((p) => ({ file: `${p.slug}.md`, dump: rank.get(p.sources[0].file)!, line: p.sources[0].line }));
  keyed.sort((a, b) => a.dump - b.dump || a.line - b.line || (a.file < b.file ? -1 : 1));
  return keyed.map((k) => k.file);
}

function dumpBytes(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isFile()) n += statSync(path.join(dir, e.name)).size;
  return n;
}

// Child process: argv = options (JSON), temporary folder, summary file.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [opts, tmp, summaryFile] = process.argv.slice(2);
  const { summary, finish } = await ingestAndSummarise(
    JSON.parse(opts) as IngestOptions,
    tmp,
    (name, ms) => console.log(`stage ${name} ${ms.toFixed(1)}`),
    (c) => console.log(`cards ${c.papers} ${c.extended} ${c.file}`),
  );
  writeFileSync(summaryFile, JSON.stringify(summary));
  console.log(SUMMARY_READY);
  await finish();
}
