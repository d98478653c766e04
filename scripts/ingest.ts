// Ingest: reads the dumps and curator files, runs the pipeline, writes one Markdown page per paper and the registry.
import { hash } from "node:crypto";
import os from "node:os";
import path from "node:path";
import { readFileSync, existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { fileHash, readRegistry, readTermStats, readYaml, syncPages, writeRegistry, writeTermStats } from "./io.ts";
import { decodeDumps, type DumpBytes, type DumpStamp, readDumpFiles } from "./dumps-file.ts";
import { catalogueStages, catalogueWideStages, extend, extensionOf, initialState, joined, runPipeline, snapshotOf, type Ahead, type CatalogueSnapshot, type State } from "./pipeline.ts";
import { parseDump } from "./stages/parse.ts";
import { validateTaxonomy, type Taxonomy } from "./stages/classify.ts";
import { listsSignature, pageOutputs } from "./stages/write.ts";
import type { CleanText } from "./types.ts";
import type { KnownTokens } from "./stages/related.ts";
import type { NeighbourState } from "./stages/related/carry-over.ts";
import { codeVersion, ingestCacheDir, IngestCache, type Memo } from "./ingest-cache.ts";
import { INLINE_BELOW, onWorker, warmUp } from "./parallel.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
/** Bytes of dumps (~7,000 papers) from which worker threads are started early and list and write the pages. */
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
  /**
   * Bytes of dumps from which worker threads start at once, list and write the pages, and work ahead on new dumps'
   * papers (default WARM_UP_FROM; tests use 0 to take that path with the bundled dumps).
   */
  warmUpFrom?: number;
  /** Leave writing the registry, the term statistics and the cache to the caller (IngestResult.keepState), once it has handed the results on. */
  deferSave?: boolean;
}

export interface IngestResult {
  state: State;
  timings: Record<string, number>;
  written: { written: number; unchanged: number; removed: number };
  /** File name → content hash of every paper page, in order. */
  pageHashes: Map<string, string>;
  /** Writes the registry and term statistics and saves the cache, when IngestOptions.deferSave left it to the caller (otherwise does nothing). */
  keepState: () => void;
  /** Raw texts and papers whose clean text and topics were worked out ahead (see workAhead), not in the stages. */
  workedAhead: { text: number; topics: number };
  /** Pages whose fingerprint was the last build's, not computed again (see stages/write.ts listsSignature). */
  fingerprintsReused: number;
  /** Papers whose lists' signature was the last build's, as their lists were (State.lists), not computed again. */
  signaturesKept: number;
  /** Where this build keeps its catalogue.json for the next one, and the last build's (see stages/write.ts spliceCatalogueJson). */
  catalogueJson: KeptText | null;
}

/**
 * A text this build writes and keeps in its cache for the next one: where, and the last build's when this build's
 * carried papers have the entries it holds (so that it can be spliced); `record` notes the hash of the text written
 * (saved with the cache by keepState). Null without a cache.
 */
export interface KeptText {
  file: string;
  last: { hash: string; carried: Set<string> } | null;
  record: (hash: string) => void;
}

/** What each cache table's results depend on, besides its keys: the ingest's code, the libraries, the taxonomy. */
function versions(taxonomy: string): Record<string, string> {
  const code = ["scripts/stages", "scripts/pipeline.ts", "scripts/parallel.ts", "scripts/parallel-tasks.ts", "scripts/parallel-worker.mjs", "scripts/types.ts", "scripts/katex-options.ts", "scripts/frontmatter.ts", "scripts/io.ts", "scripts/dumps-file.ts", "scripts/ingest-cache.ts", "package-lock.json"].map((p) => path.join(root, p));
  const version = codeVersion(code);
  const withTaxonomy = codeVersion([...code, taxonomy]);
  // The cards are made by the index pages' code as well.
  const cards = codeVersion([...code, taxonomy, ...["scripts/eleventy/indexes.ts", "scripts/cards-file.ts"].map((p) => path.join(root, p))]);
  return { text: version, tokens: version, neighbours: version, pages: version, topics: withTaxonomy, catalogue: withTaxonomy, "catalogue-inputs": withTaxonomy, "catalogue-json": withTaxonomy, cards };
}

/**
 * `onStage` hears each stage's name and time; `onCatalogue`, the catalogue once the catalogue stages are done (before
 * those over the whole catalogue), whether it extends the last build's (the rest of such an ingest is light), and where
 * to keep the index pages' cards made from it (see cards-file.ts).
 */
export async function ingest(opts: IngestOptions, onStage?: (name: string, ms: number) => void, onCatalogue?: (s: State, extended: boolean, cards: KeptText | null) => void | Promise<void>): Promise<IngestResult> {
  const timings: Record<string, number> = {};
  const stageDone = (name: string, ms: number) => {
    timings[name] = ms;
    onStage?.(name, ms);
  };
  const t0 = performance.now();
  const cache = opts.cache === null ? null : new IngestCache(opts.cache ?? ingestCacheDir(opts.dumps), versions(opts.taxonomy));
  const last = cache?.slot<SnapshotInputs>("catalogue-inputs").get();
  // Dumps whose files are as the last build found them are not read again unless their papers are needed. Entries of
  // the folder that are not dumps are listed afresh on every build, cache or not: their warnings are not cached.
  const { files, skipped } = readDumpFiles(opts.dumps, new Map((last?.stamps ?? []).map((st, i) => [last!.files[i][0], st])));
  // A large catalogue will want worker threads (the related stage always does): they load meanwhile; one lists the pages
  // of the last build while this thread parses, and later writes the pages while this thread makes the next ones.
  const large = files.reduce((n, f) => n + f.size, 0) >= (opts.warmUpFrom ?? WARM_UP_FROM) && os.availableParallelism() > 1;
  if (large) warmUp();
  const taxonomy = validateTaxonomy(readYaml(opts.taxonomy, null), opts.taxonomy);
  const filesRead = files.map((f): [string, string] => [f.file, f.hash]);
  const ahead = large && last && extendsFiles(last, filesRead) ? workAhead(files.slice(last.files.length), taxonomy) : null;
  const listing = large ? onWorker("listPages", [opts.papersDir]).then(([files]) => files) : undefined;
  listing?.catch(() => undefined); // awaited by syncPages; a failed stage before that must not crash on it
  const registryFile = path.join(opts.state, "permalinks.json");
  const overridesFile = path.join(opts.state, "overrides.yaml");
  const termsFile = path.join(opts.state, "term-stats.json");
  const registry = readRegistry(registryFile);
  // The related stage's tokens are read before the snapshot: read after it, their typed arrays (139 MB at 100,000
  // papers) made V8 collect a heap that held the snapshot's papers (1.5 s in a profile; 0.1–0.4 s in isolation).
  cache?.table<KnownTokens>("tokens").entries();
  // The last build's catalogue, when this build's dumps are its dumps plus new ones sorting after them (pipeline.ts):
  // a snapshot written by a build that read every dump, and what the builds since added to it.
  const { base, old } = lastCatalogue(cache, last, filesRead, registry.hash);
  const carried = old ? last!.files.length : 0;
  const read = decodeDumps(files.slice(carried));
  const terms = readTermStats(termsFile);
  const input = {
    dumps: read.dumps,
    registry: registry.entries,
    terms: terms.stats,
    taxonomy,
    overrides: { file: overridesFile, data: readYaml(overridesFile, {}), lines: keyLines(overridesFile) },
  };
  timings.read = performance.now() - t0;
  const tc = performance.now();
  const known = cache && { text: cache.table<CleanText>("text"), topics: cache.table<string[]>("topics"), tokens: cache.table<KnownTokens>("tokens"), neighbours: cache.slot<NeighbourState>("neighbours"), ahead: ahead ?? undefined };
  timings.cache = performance.now() - tc;

  let catalogue: State | undefined;
  // What to keep for the next build: a new snapshot, or what new dumps added to the last one; null when nothing changed.
  let keep: { snapshot: CatalogueSnapshot } | { addition: CatalogueSnapshot } | null = null;
  // Papers of the last build's catalogue, taken from its snapshot (their facts are that build's).
  let carriedPapers: Set<string> | null = null;
  if (old) {
    const s0 = extensionOf(old, input, read.warnings, [...skipped, ...terms.warnings]);
    // New dumps' texts cannot be among the known ones (their keys name the dumps' hashes): the tables are only added to, never read.
    const addOnly = known && { ...known, text: addOnlyMemo(known.text), topics: addOnlyMemo(known.topics) };
    const extended = extend(old, await runPipeline(s0, stageDone, addOnly, catalogueStages), read.warnings, s0.warnings.length);
    if (extended) {
      catalogue = extended.state;
      if (files.length > carried) keep = { addition: extended.addition };
      carriedPapers = new Set(old.papers.map((p) => p.id));
    }
  }
  if (!catalogue) {
    const all = old ? decodeDumps(files) : read;
    const s0 = initialState({ ...input, dumps: all.dumps, warnings: [...all.warnings, ...skipped, ...terms.warnings] });
    catalogue = await runPipeline(s0, stageDone, known, catalogueStages);
    keep = { snapshot: snapshotOf(catalogue, all.warnings, catalogue.warnings.slice(s0.warnings.length)) };
  }
  // Papers taken from the last build's snapshot, when that build applied the same overrides: their pages' facts, cards
  // and catalogue.json entries are that build's (what the fingerprints and the kept texts below rely on).
  const overridesHash = fileHash(overridesFile);
  const asLast = last && last.overrides === overridesHash ? carriedPapers : null;
  const kept = (name: string, lastHash: string | null | undefined, record: (hash: string) => void): KeptText | null =>
    cache && { file: cache.file(name), last: asLast && lastHash ? { hash: lastHash, carried: asLast } : null, record };
  let cardsHash: string | null = null;
  await onCatalogue?.(catalogue, carriedPapers !== null, kept("cards", last?.cards, (hash) => void (cardsHash = hash)));
  const state = await runPipeline(catalogue, stageDone, known, catalogueWideStages);

  const t1 = performance.now();
  // A carried paper whose overrides and lists are as in the last build has its fingerprint (stages/write.ts).
  const { signatures, reusable, kept: signaturesKept } = pageSignatures(state, asLast && last?.pages ? { ...last.pages, lists: last.lists ?? null, carried: asLast } : null);
  const fingerprints: [id: string, fingerprint: string][] = [];
  const outputs = function* () {
    for (const page of pageOutputs(state.papers, reusable)) {
      if (page.fingerprint !== null) fingerprints.push([page.id, page.fingerprint]);
      yield page;
    }
  };
  const writer = large ? (batch: [string, string][]) => onWorker("writePages", batch) : undefined;
  const { records, ...written } = await syncPages(opts.papersDir, outputs(), cache?.pageRecords(opts.papersDir), cache?.table<string>("pages"), writer, listing);
  // What the next build starts from: written once the results are handed on (IngestOptions.deferSave), as the build
  // needs none of it before it assembles the site.
  let catalogueJsonHash: string | null = null;
  const catalogueJson = kept("catalogue-json", last?.catalogueJson, (hash) => void (catalogueJsonHash = hash));
  const keepState = () => {
    const registryWritten = writeRegistry(registryFile, state.registry);
    if (state.terms && state.terms.papers > 0) writeTermStats(termsFile, state.terms);
    if (!cache) return;
    const pages = { ids: fingerprints.map(([id]) => id).join("\n"), signatures: fingerprints.map(([id]) => signatures.get(id)!).join("\n"), fingerprints: fingerprints.map(([, f]) => f).join("\n") };
    keepCatalogue(cache, { last, base, old }, keep, { files: filesRead, stamps: files.map((f) => f.stamp), registry: registryWritten, overrides: overridesHash, pages, catalogueJson: catalogueJsonHash, cards: cardsHash, lists: state.lists?.digest ?? null });
    cache.save(opts.dumps, opts.papersDir, records);
  };
  if (!opts.deferSave) keepState();
  timings.write = performance.now() - t1;
  const workedAhead = (await ahead)?.taken ?? { text: 0, topics: 0 };
  return { state, timings, written, pageHashes: new Map([...records].map(([file, r]) => [file, r.hash])), keepState: opts.deferSave ? keepState : () => undefined, workedAhead, fingerprintsReused: reusable.size, signaturesKept, catalogueJson };
}

/**
 * The clean text and topics of the papers in `files`, worked out on a worker thread while this thread reads the last
 * build's catalogue: a build that adds a dump or two spends most of its catalogue stages there (at 100,000 papers,
 * about 2 of 3 s for 200 new papers, mostly in code not yet compiled). Null when there is nothing to do, or so much
 * that the stages would spread it over every thread (parallel.ts INLINE_BELOW) rather than do it on this one; a failure
 * leaves the work to the stages.
 */
function workAhead(files: DumpBytes[], taxonomy: Taxonomy): Promise<Ahead | null> | null {
  // Dumps average about 1.2 KB per paper: far more than this is not read twice only to find it too much.
  if (files.reduce((n, f) => n + f.size, 0) > INLINE_BELOW * 1500) return null;
  const entries = decodeDumps(files).dumps.flatMap((d) => parseDump(d.file, d.text).entries);
  if (entries.length === 0 || 2 * entries.length >= INLINE_BELOW) return null;
  const pairs = entries.map((e): [string, string] => [e.title, e.abstract]);
  return onWorker("textAndTopics", pairs, taxonomy).then(
    (results) => {
      const ahead: Ahead = { text: new Map(), topics: new Map(), taken: { text: 0, topics: 0 } };
      results.forEach(([title, abstract, topics], i) => {
        ahead.text.set(pairs[i][0], title).set(pairs[i][1], abstract);
        const byAbstract = ahead.topics.get(title.plain) ?? ahead.topics.set(title.plain, new Map()).get(title.plain)!;
        byAbstract.set(abstract.plain, topics);
      });
      return ahead;
    },
    () => null,
  );
}

/**
 * Snapshots add new dumps' papers as additions (a few MB) until they hold this share of the snapshot's papers; then the
 * whole snapshot (about 470 MB at 100,000 papers, several seconds to write) is written again with them.
 */
const ADDITIONS_UP_TO = 0.25;

/** The catalogue stages' result over every dump of a build (pipeline.ts), under an id that names its inputs. */
interface SnapshotBase {
  id: string;
  snapshot: CatalogueSnapshot;
}

/**
 * What the last build's catalogue was made of: every dump file (name, hash of its bytes) and the hash of the permalink
 * registry it left; the snapshot it extends (by id) and what dumps added since.
 */
interface SnapshotInputs {
  files: [file: string, hash: string][];
  /** What each of those files looked like when its hash was taken (see io.ts DumpStamp). */
  stamps: DumpStamp[];
  registry: string | null;
  base: string;
  additions: CatalogueSnapshot[];
  /** Hash of the overrides file that build applied, and its pages' fingerprints with the signatures of their lists. */
  overrides: string | null;
  pages: { ids: string; signatures: string; fingerprints: string };
  /** Hash of the catalogue.json text that build wrote and kept in the cache (IngestResult.catalogueJson), if it did. */
  catalogueJson: string | null;
  /** Hash of the cards text that build kept in the cache (see cards-file.ts), if it did; absent in caches older than it. */
  cards?: string | null;
  /** Digest of the related lists that build kept (State.lists), which its pages' signatures are of. */
  lists?: string | null;
}

/** The last build's catalogue (snapshot and additions joined), when this build's dumps and registry extend its inputs. */
function lastCatalogue(cache: IngestCache | null, last: SnapshotInputs | undefined, files: [string, string][], registry: string | null): { base?: SnapshotBase; old?: CatalogueSnapshot } {
  if (!last || !extendsInputs(last, files, registry)) return {};
  const base = cache!.slot<SnapshotBase>("catalogue").get();
  return base?.id === last.base ? { base, old: joined(base.snapshot, last.additions) } : { base };
}

/**
 * Sets what the next build extends: this build's inputs with, when it read every dump, a new snapshot; when it added
 * dumps, their addition (or, past ADDITIONS_UP_TO, a new snapshot holding them); when it added nothing, the same.
 */
function keepCatalogue(cache: IngestCache, lastBuild: ReturnType<typeof lastCatalogue> & { last?: SnapshotInputs }, keep: { snapshot: CatalogueSnapshot } | { addition: CatalogueSnapshot } | null, now: Omit<SnapshotInputs, "base" | "additions">): void {
  const { last, base, old } = lastBuild;
  const inputs = cache.slot<SnapshotInputs>("catalogue-inputs");
  if (!keep) return inputs.set({ ...now, base: last!.base, additions: last!.additions });
  const added = last && "addition" in keep ? [...last.additions, keep.addition] : [];
  if (base && "addition" in keep && added.reduce((n, a) => n + a.papers.length, 0) <= base.snapshot.papers.length * ADDITIONS_UP_TO) {
    return inputs.set({ ...now, base: base.id, additions: added });
  }
  // Written before the inputs that name it: a build stopped between the two finds them not matching, and reads every dump.
  const snapshot = "snapshot" in keep ? keep.snapshot : joined(old!, [keep.addition]);
  const id = hash("sha256", JSON.stringify([now.files, now.registry]), "base64url");
  cache.slot<SnapshotBase>("catalogue").set({ id, snapshot });
  inputs.set({ ...now, base: id, additions: [] });
}

/**
 * Every paper's lists' signature, and the fingerprints of the last build's pages that still hold: carried papers whose
 * lists have the same signature. A paper whose lists the related stage took from the last build's, when those are the
 * lists the last build's signatures were made of (the same digest), has its last signature: at 100,000 papers, making
 * every signature cost the rebuild 1 to 2 s.
 */
function pageSignatures(state: State, last: (SnapshotInputs["pages"] & { lists: string | null; carried: Set<string> }) | null): { signatures: Map<string, string>; reusable: Map<string, string>; kept: number } {
  const signatures = new Map<string, string>();
  const reusable = new Map<string, string>();
  const ids = last ? last.ids.split("\n") : [], sigs = last ? last.signatures.split("\n") : [], prints = last ? last.fingerprints.split("\n") : [];
  const lastIndex = new Map(ids.map((id, i) => [id, i]));
  const trusted = last !== null && state.lists?.from != null && state.lists.from === last.lists ? state.lists.kept : new Set<string>();
  let kept = 0;
  for (const p of state.papers) {
    const i = lastIndex.get(p.id);
    const known = i !== undefined && trusted.has(p.id);
    const signature = known ? sigs[i] : listsSignature(p);
    if (known) kept++;
    signatures.set(p.id, signature);
    if (i !== undefined && last!.carried.has(p.id) && sigs[i] === signature) reusable.set(p.id, prints[i]);
  }
  return { signatures, reusable, kept };
}

/** Whether `files` are last's plus files whose names sort after all of last's, with the registry last's build left. */
function extendsInputs(last: SnapshotInputs, files: [string, string][], registry: string | null): boolean {
  return last.registry === registry && extendsFiles(last, files);
}

/** Whether `files` are last's plus files whose names sort after all of last's. */
function extendsFiles(last: SnapshotInputs, files: [string, string][]): boolean {
  if (files.length < last.files.length) return false;
  if (!last.files.every(([file, hash], i) => files[i][0] === file && files[i][1] === hash)) return false;
  const lastName = last.files.at(-1)?.[0];
  return lastName === undefined || files.slice(last.files.length).every(([file]) => file > lastName);
}

/** A memo that records new results without reading the known ones. */
function addOnlyMemo<V>(memo: Memo<V>): Memo<V> {
  return { get: () => undefined, set: (key, value) => memo.set(key, value), entries: () => memo.entries() };
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
