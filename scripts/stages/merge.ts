// Merge stage: entries that name the same paper (same normalised title, compatible abstracts) become one paper.
import { hash } from "node:crypto";
import type { Entry } from "../types.ts";
import { compact } from "./compact.ts";
import { NearIndex } from "./identity.ts";

/** A merged paper before cleaning: raw text plus every source. */
export interface MergedPaper {
  id: string;
  /** Normalised title, the merge key. */
  key: string;
  /** Normalised abstract (letters and digits only) of the version shown, used to tell same-title papers apart. */
  fingerprint: string;
  rawTitle: string;
  rawAbstract: string;
  date: string | null;
  upvotes: number | null;
  authors: number | null;
  entries: Entry[];
}

const NON_ASCII = /[^\x00-\x7f]/;

/** Title → merge key: case, spacing, punctuation and backslashes do not matter. */
export function titleKey(title: string): string {
  // ASCII text (nearly all titles) skips NFKC and Unicode classes: same result, several times faster at 100,000 papers.
  const key = NON_ASCII.test(title) ? title.normalize("NFKC").toLowerCase().replace(/[^\p{L}\p{N}]+/gu, " ").trim() : title.toLowerCase().replace(/[^a-z0-9]+/g, " ").trim();
  return compact(key === "" ? title.normalize("NFKC").trim() : key);
}

let scratch = Buffer.alloc(4096);

/** Abstract → fingerprint: letters and digits only, so a dump that kept LaTeX backslashes matches one that lost them. */
export function abstractFingerprint(abstract: string): string {
  if (NON_ASCII.test(abstract)) return compact(abstract.normalize("NFKC").toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ""));
  // ASCII: the same letters and digits, lower-cased, copied byte by byte (faster than a replace, and compact already).
  if (scratch.length < abstract.length) scratch = Buffer.alloc(2 * abstract.length);
  let n = 0;
  for (let i = 0; i < abstract.length; i++) {
    const c = abstract.charCodeAt(i);
    if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57)) scratch[n++] = c;
    else if (c >= 65 && c <= 90) scratch[n++] = c + 32;
  }
  return scratch.toString("latin1", 0, n);
}

interface Keyed {
  entry: Entry;
  fingerprint: string;
}

/**
 * Entries of one normalised title are versions of one paper when their fingerprints resemble each other
 * (identity.samePaper: one a prefix of the other, or nearly all of the shorter one's shingles in the longer). Within a
 * title, versions are taken longest first (then by fingerprint): the longest starts a paper, and each later one joins
 * the paper whose longest version it resembles most, or starts one. The order depends only on the text, never on file
 * names or lines, so the papers do not depend on the order of the dumps.
 */
export function merge(entries: Entry[]): MergedPaper[] {
  const byKey = new Map<string, Keyed[]>();
  for (const entry of entries) {
    const key = titleKey(entry.title);
    const keyed = { entry, fingerprint: abstractFingerprint(entry.abstract) };
    const group = byKey.get(key);
    if (group) group.push(keyed);
    else byKey.set(key, [keyed]);
  }
  const papers: MergedPaper[] = [];
  for (const [key, group] of byKey) {
    if (group.length === 1) {
      papers.push(combine(key, group));
      continue;
    }
    group.sort((a, b) => b.fingerprint.length - a.fingerprint.length || (a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0) || compareEntries(a.entry, b.entry));
    const clusters: { fingerprint: string; members: Keyed[] }[] = [];
    const exact = new Map<string, (typeof clusters)[number]>();
    const index = new NearIndex<(typeof clusters)[number]>();
    for (const m of group) {
      let c = exact.get(m.fingerprint) ?? index.lookup(m.fingerprint)[0]?.item;
      if (!c) {
        c = { fingerprint: m.fingerprint, members: [] };
        clusters.push(c);
        index.add(c, m.fingerprint);
      }
      if (!exact.has(m.fingerprint)) exact.set(m.fingerprint, c);
      c.members.push(m);
    }
    for (const c of clusters) papers.push(combine(key, c.members.sort((a, b) => compareEntries(a.entry, b.entry))));
  }
  uniqueIds(papers);
  return papers.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * Gives papers whose ids collide (same title, abstracts that open alike but are different papers) ids from their whole
 * fingerprints, in an order that depends on their text only; any id still taken is hashed again with a counter.
 */
function uniqueIds(papers: MergedPaper[]): void {
  const byId = new Map<string, MergedPaper[]>();
  let collisions = false;
  for (const p of papers) {
    const same = byId.get(p.id);
    if (same) {
      same.push(p);
      collisions = true;
    } else byId.set(p.id, [p]);
  }
  if (!collisions) return;
  const byText = (a: MergedPaper, b: MergedPaper) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0);
  const moved = [...byId.values()].filter((l) => l.length > 1).flat().sort(byText);
  for (const p of moved) byId.delete(p.id);
  for (const p of moved) {
    let id = paperId(p.key, p.fingerprint, true);
    for (let n = 2; byId.has(id); n++) id = paperId(p.key, `${p.fingerprint}\u0000${n}`, true);
    p.id = id;
    byId.set(id, [p]);
  }
}

/** Members arrive in file/line order. The paper is known by the version it shows: its id and registered URL come from that version's fingerprint. */
function combine(key: string, members: Keyed[]): MergedPaper {
  const entries = members.map((m) => m.entry);
  if (members.length === 1) {
    const e = entries[0];
    const fingerprint = members[0].fingerprint;
    return { id: paperId(key, fingerprint), key, fingerprint, rawTitle: e.title, rawAbstract: e.abstract, date: e.date, upvotes: e.upvotes, authors: e.authors, entries };
  }
  // Longest abstract wins (a cut-off copy never replaces the full one); on a tie, the copy that kept more LaTeX backslashes.
  // Backslashes counted once per version, not in every comparison (thousands of copies of one paper occur).
  const ranked = members.map((m) => ({ m, bs: backslashes(m.entry.abstract) }));
  const bestKeyed = ranked.sort((a, b) => b.m.fingerprint.length - a.m.fingerprint.length || b.bs - a.bs || compareEntries(a.m.entry, b.m.entry))[0].m;
  const best = bestKeyed.entry;
  const fingerprint = bestKeyed.fingerprint;
  const titled = entries.map((e) => ({ e, bs: backslashes(e.title) })).sort((a, b) => b.bs - a.bs || compareEntries(a.e, b.e))[0].e;
  const first = <T>(f: (e: Entry) => T | null): T | null => entries.map(f).find((v) => v !== null) ?? null;
  const upvotes = entries.map((e) => e.upvotes).filter((v): v is number => v !== null);
  return {
    id: paperId(key, fingerprint),
    key,
    fingerprint,
    rawTitle: titled.title,
    rawAbstract: best.abstract,
    date: first((e) => e.date),
    upvotes: upvotes.length ? upvotes.reduce((a, b) => Math.max(a, b)) : null,
    authors: first((e) => e.authors),
    entries,
  };
}

/**
 * Identity from the title key and the start of the abstract (a later, longer copy keeps the same id); `whole`: from the
 * whole fingerprint, for papers whose starts collide. Ids are internal (caches, ordering); URLs come from the registry.
 */
export function paperId(key: string, fingerprint: string, whole = false): string {
  // Hex of the first 8 bytes: a string of its own (a slice of the full hex compares several times slower when sorting).
  return hash("sha256", key + "\u0000" + (whole ? fingerprint : fingerprint.slice(0, 200)), "buffer").toString("hex", 0, 8);
}

function backslashes(s: string): number {
  return s.split("\\").length - 1;
}

function compareEntries(a: Entry, b: Entry): number {
  return a.source.file < b.source.file ? -1 : a.source.file > b.source.file ? 1 : a.source.line - b.source.line;
}
