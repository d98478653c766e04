// The ingest pipeline, declared in one place: parse → merge → clean text → permalinks → classify → relate → overrides.
import type { CleanText, Entry, Paper, Rejected, Warning } from "./types.ts";
import type { DumpFile } from "./dumps-file.ts";
import type { Memo, Slot } from "./ingest-cache.ts";
import type { NeighbourState } from "./stages/related/carry-over.ts";
import { parseDump } from "./stages/parse.ts";
import { merge, type MergedPaper } from "./stages/merge.ts";
import { extractLinks } from "./stages/text.ts";
import { assignSlugs, type GonePage, type RegistryEntry } from "./stages/permalinks.ts";
import type { Taxonomy } from "./stages/classify.ts";
import { relateInParallel, type KnownTokens, type ListsKept } from "./stages/related.ts";
import type { TermStats } from "./stages/related/tfidf.ts";
import { applyOverrides, type OverridesFile } from "./stages/overrides.ts";
import { parallelMap } from "./parallel.ts";

/** Everything the stages read and produce: plain data, no I/O. */
export interface State {
  dumps: DumpFile[];
  registry: RegistryEntry[];
  /** Frozen term statistics of the related stage: those read (or null), then those in force after it. */
  terms: TermStats | null;
  /** Papers the related stage searched for neighbours (the others kept the last build's lists); null before it. */
  searched: number | null;
  /** What the related stage kept of its lists and took from the last build's; null before it, or without a cache. */
  lists: ListsKept | null;
  /** Dump files whose papers were taken from the last build's snapshot instead of being read again (see extend). */
  carried: number;
  taxonomy: Taxonomy;
  overrides: OverridesFile;
  perDump: { file: string; layout: string; entries: number }[];
  entries: Entry[];
  rejected: Rejected[];
  warnings: Warning[];
  merged: MergedPaper[];
  papers: Paper[];
  /** Registered URLs no paper holds now (each gets a page saying so); set by the permalinks stage. */
  gone: GonePage[];
}

/**
 * Results of the pure per-paper work that earlier builds computed (see ingest-cache.ts), by key. A key names the dump
 * (by the hash of its bytes) and line an input was read from, so the result is a function of the key.
 */
export interface Known {
  /** Dump:line:field → clean text of that raw title or abstract. */
  text: Memo<CleanText>;
  /** The keys of a paper's raw title and abstract → its topics. */
  topics: Memo<string[]>;
  /** Runs of papers tokenised for the related stage (stages/related.ts). */
  tokens: Memo<KnownTokens>;
  /** The last build's neighbour lists (stages/related/carry-over.ts). */
  neighbours?: Slot<NeighbourState>;
  /** Results worked out ahead, on another thread, while the input was read (ingest.ts workAhead); null if none. */
  ahead?: Promise<Ahead | null>;
}

/** Results of the text and topics stages' pure functions, by their inputs. */
export interface Ahead {
  /** Raw title or abstract → its clean text. */
  text: Map<string, CleanText>;
  /** Plain title → plain abstract → the pair's topics. */
  topics: Map<string, Map<string, string[]>>;
  /** How many results the stages took from here. */
  taken: { text: number; topics: number };
}

/** `compute` over `items`, except those `done` already holds a result for; returns how many it held too. */
async function except<I, V>(items: I[], done: ((item: I) => V | undefined) | null, compute: (items: I[]) => Promise<V[]>, taken: (n: number) => void = () => undefined): Promise<V[]> {
  if (!done) return compute(items);
  const out = items.map(done);
  const missing = items.flatMap((_, i) => (out[i] === undefined ? [i] : []));
  taken(items.length - missing.length);
  if (missing.length) (await compute(missing.map((i) => items[i]))).forEach((v, j) => (out[missing[j]] = v));
  return out as V[];
}

/** A stage: plain data in, plain data out. Per-paper work may be spread over worker threads (parallel.ts), hence async. */
export type Stage = (s: State, known: Known | null) => State | Promise<State>;

/** Results for `items` (keyed by `keys`, null for no key): known ones reused, the rest computed together and kept. */
async function memoised<I, V>(memo: Memo<V> | undefined, keys: (string | null)[], items: I[], compute: (items: I[]) => Promise<V[]>): Promise<V[]> {
  const out: V[] = new Array(items.length);
  const missing: number[] = [];
  items.forEach((_, i) => {
    const key = keys[i];
    const v = key === null ? undefined : memo?.get(key);
    if (v === undefined) missing.push(i);
    else out[i] = v;
  });
  const computed = await compute(missing.map((i) => items[i]));
  missing.forEach((i, j) => {
    out[i] = computed[j];
    const key = keys[i];
    if (key !== null) memo?.set(key, computed[j]);
  });
  return out;
}

/**
 * Keys of a merged paper's raw title and abstract: dump hash and line of the first entry that holds that exact text
 * (any entry holding it gives the same result). Null for dumps read without a hash (in-memory input of tests).
 */
function sourceKeys(m: MergedPaper, hashes: Map<string, string>): { title: string | null; abstract: string | null } {
  const key = (e: Entry | undefined, field: string) => {
    const h = e && hashes.get(e.source.file);
    return h ? `${h}:${e.source.line}:${field}` : null;
  };
  return { title: key(m.entries.find((e) => e.title === m.rawTitle), "t"), abstract: key(m.entries.find((e) => e.abstract === m.rawAbstract), "a") };
}

function dumpHashes(s: State): Map<string, string> {
  return new Map(s.dumps.flatMap((d) => (d.hash ? [[d.file, d.hash] as const] : [])));
}

function parseStage(s: State): State {
  const perDump: State["perDump"] = [];
  const entries: Entry[] = [];
  const rejected: Rejected[] = [...s.rejected];
  const warnings: Warning[] = [...s.warnings];
  for (const d of s.dumps) {
    const r = parseDump(d.file, d.text);
    perDump.push({ file: d.file, layout: r.layout, entries: r.entries.length });
    // One push per item: spreading a dump's entries into one call overflows the stack past about 100,000.
    for (const e of r.entries) entries.push(e);
    for (const x of r.rejected) rejected.push(x);
    for (const w of r.warnings) warnings.push(w);
  }
  return { ...s, perDump, entries, rejected, warnings };
}

function mergeStage(s: State): State {
  return { ...s, merged: merge(s.entries) };
}

async function cleanStage(s: State, known: Known | null): Promise<State> {
  const hashes = dumpHashes(s);
  const textKeys = s.merged.map((m) => sourceKeys(m, hashes));
  const keys = textKeys.flatMap((k) => [k.title, k.abstract]);
  const clean = await memoised(known?.text, keys, s.merged.flatMap((m) => [m.rawTitle, m.rawAbstract]), async (raw) => {
    const ahead = await known?.ahead;
    return except(raw, ahead ? (r) => ahead.text.get(r) : null, (rest) => parallelMap("text", rest), (n) => ahead && (ahead.taken.text += n));
  });
  const papers = s.merged.map(
    (m, i): Paper => ({
      id: m.id,
      slug: "",
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
      textKeys: textKeys[i],
    }),
  );
  return { ...s, papers };
}

function permalinkStage(s: State): State {
  const byId = new Map(s.merged.map((m) => [m.id, m]));
  const { slugs, registry, gone } = assignSlugs(
    s.papers.map((p) => ({ id: p.id, key: byId.get(p.id)!.key, fingerprint: byId.get(p.id)!.fingerprint, title: p.title.plain })),
    s.registry,
  );
  return { ...s, registry, gone, papers: s.papers.map((p) => ({ ...p, slug: slugs.get(p.id)! })) };
}

async function classifyStage(s: State, known: Known | null): Promise<State> {
  const keys = s.papers.map((p) => (p.textKeys?.title && p.textKeys.abstract ? `${p.textKeys.title}|${p.textKeys.abstract}` : null));
  const texts = s.papers.map((p): [string, string] => [p.title.plain, p.abstract.plain]);
  const topics = await memoised(known?.topics, keys, texts, async (items) => {
    const ahead = await known?.ahead;
    return except(items, ahead ? ([title, abstract]) => ahead.topics.get(title)?.get(abstract) : null, (rest) => parallelMap("topics", rest, s.taxonomy), (n) => ahead && (ahead.taken.topics += n));
  });
  return { ...s, papers: s.papers.map((p, i) => ({ ...p, topics: topics[i] })) };
}

async function relateStage(s: State, known: Known | null): Promise<State> {
  let terms = s.terms;
  let searched = s.papers.length;
  let lists: ListsKept | null = null;
  const papers = await relateInParallel(s.papers, { known: known?.tokens, last: known?.neighbours, terms, onTerms: (t) => (terms = t), onSearched: (n) => (searched = n), onLists: (l) => (lists = l) });
  return { ...s, papers, terms, searched, lists };
}

function overridesStage(s: State): State {
  const topicIds = new Set([...s.taxonomy.topics.map((t) => t.id), "unsorted"]);
  const { papers, warnings } = applyOverrides(s.papers, s.overrides, topicIds);
  return { ...s, papers, warnings: [...s.warnings, ...warnings] };
}

/**
 * The papers as the index pages show them, from a state after the catalogue stages: the overrides stage applied. The
 * related stage, between the two, neither reads nor writes what overrides change, so these are the finished catalogue's
 * papers but for their keywords and related lists (which no index page shows).
 */
export function overridden(s: State): Paper[] {
  return overridesStage(s).papers;
}

/** The stages that make the catalogue's papers from the dumps, in order (a later build can extend their result) … */
export const catalogueStages: [name: string, stage: Stage][] = [
  ["parse", parseStage],
  ["merge", mergeStage],
  ["text", cleanStage],
  ["permalinks", permalinkStage],
  ["topics", classifyStage],
];

/** … then the stages over the whole catalogue. Each takes and returns plain data. */
export const catalogueWideStages: [name: string, stage: Stage][] = [
  ["related", relateStage],
  ["overrides", overridesStage],
];

export const stages = [...catalogueStages, ...catalogueWideStages];

export function initialState(input: Pick<State, "dumps" | "registry" | "taxonomy" | "overrides"> & { warnings?: Warning[]; rejected?: Rejected[]; terms?: TermStats | null }): State {
  return { perDump: [], entries: [], merged: [], papers: [], gone: [], searched: null, lists: null, carried: 0, ...input, rejected: input.rejected ?? [], terms: input.terms ?? null, warnings: input.warnings ?? [] };
}

/**
 * What the catalogue stages made of some dumps, kept between builds (ingest.ts). A build whose dumps are the same files
 * plus new ones whose names sort after theirs runs those stages over the new dumps only and joins the results (extend):
 * every stage before related works paper by paper, so the joined state is the one all dumps would give, unless a new
 * entry shares its title key with an old paper (merging could then change the old paper).
 */
export interface CatalogueSnapshot {
  perDump: State["perDump"];
  rejected: Rejected[];
  /** Warnings of reading the dumps, then of parsing them: the report lists them in this order, with any others between. */
  readWarnings: Warning[];
  parseWarnings: Warning[];
  papers: Paper[];
  /** Title key (merge.titleKey) of each paper, in the order of `papers`. */
  keys: string[];
  /** Registered URLs no paper held (State.gone); an addition's is empty (see extend). */
  gone: GonePage[];
}

/** The snapshot of `s`, a state after the catalogue stages; its warnings are `read`, then others, then `parsed`. */
export function snapshotOf(s: State, read: Warning[], parsed: Warning[]): CatalogueSnapshot {
  const keyOf = new Map(s.merged.map((m) => [m.id, m.key]));
  return { perDump: s.perDump, rejected: s.rejected, readWarnings: read, parseWarnings: parsed, papers: s.papers, keys: s.papers.map((p) => keyOf.get(p.id)!), gone: s.gone };
}

/**
 * The initial state of a build that extends `old` with new dumps: the old dumps' rejected entries and warnings are
 * in place, so the catalogue stages add the new dumps' after them. `read`: the new dumps' reading warnings; `others`:
 * warnings that come between reading and parsing.
 */
export function extensionOf(old: CatalogueSnapshot, input: Omit<Parameters<typeof initialState>[0], "warnings" | "rejected">, read: Warning[], others: Warning[]): State {
  return initialState({ ...input, warnings: [...old.readWarnings, ...read, ...others, ...old.parseWarnings], rejected: old.rejected });
}

/**
 * Joins `old` and `s`, the catalogue stages' result over the new dumps begun by extensionOf (`read`: the new dumps'
 * reading warnings; `parseFrom`: where their parsing warnings start in `s.warnings`): the state all dumps would give,
 * and what the new dumps added. Null when a new paper shares its title key with an old one or with a URL no paper
 * held, or its id with an old paper's. The URLs no paper holds are then the old ones: the new papers have titles of
 * their own, and the URLs the permalinks stage registered for them are theirs.
 */
export function extend(old: CatalogueSnapshot, s: State, read: Warning[], parseFrom: number): { state: State; addition: CatalogueSnapshot } | null {
  const oldKeys = new Set([...old.keys, ...old.gone.map((g) => g.key)]);
  if (s.merged.some((m) => oldKeys.has(m.key))) return null;
  const oldIds = new Set(old.papers.map((p) => p.id));
  if (s.merged.some((m) => oldIds.has(m.id))) return null;
  // The new dumps' own snapshot: s holds the old dumps' rejected entries before theirs (extensionOf).
  const addition = { ...snapshotOf(s, read, s.warnings.slice(parseFrom)), rejected: s.rejected.slice(old.rejected.length), gone: [] };
  const all = joined(old, [addition]);
  return { state: { ...s, perDump: all.perDump, papers: all.papers, gone: all.gone, carried: old.perDump.length }, addition };
}

/** A snapshot with the additions of later dumps joined in order: papers in id order, the rest appended. */
export function joined(base: CatalogueSnapshot, additions: CatalogueSnapshot[]): CatalogueSnapshot {
  if (!additions.length) return base;
  const added = additions.flatMap((a) => a.papers.map((p, i) => ({ p, key: a.keys[i] }))).sort((x, y) => (x.p.id < y.p.id ? -1 : x.p.id > y.p.id ? 1 : 0));
  // Both lists are in id order (merge sorts by id, and no later catalogue stage reorders): merged in that order.
  const papers: Paper[] = [];
  const keys: string[] = [];
  let i = 0;
  let j = 0;
  while (i < base.papers.length || j < added.length) {
    if (j === added.length || (i < base.papers.length && base.papers[i].id < added[j].p.id)) {
      papers.push(base.papers[i]);
      keys.push(base.keys[i++]);
    } else {
      papers.push(added[j].p);
      keys.push(added[j++].key);
    }
  }
  const all = <T>(f: (x: CatalogueSnapshot) => T[]) => [...f(base), ...additions.flatMap(f)];
  return { perDump: all((x) => x.perDump), rejected: all((x) => x.rejected), readWarnings: all((x) => x.readWarnings), parseWarnings: all((x) => x.parseWarnings), papers, keys, gone: base.gone };
}

/**
 * Runs the stages (default: every one); `onStage` receives each stage's name and wall time (for the report and the
 * benchmark). `known`: results of earlier builds to reuse (the output is the same with or without them).
 */
export async function runPipeline(state: State, onStage?: (name: string, ms: number) => void, known: Known | null = null, list = stages): Promise<State> {
  let s = state;
  for (const [name, stage] of list) {
    const t0 = performance.now();
    s = await stage(s, known);
    onStage?.(name, performance.now() - t0);
  }
  return s;
}
