// Merge stage: entries that name the same paper (same normalised title, compatible abstracts) become one paper.
import { hash } from "node:crypto";
import type { Entry } from "../types.ts";
import { compact } from "./compact.ts";

/** A merged paper before cleaning: raw text plus every source. */
export interface MergedPaper {
  id: string;
  /** Normalised title, the merge key. */
  key: string;
  /** Normalised abstract (letters and digits only), used to tell same-title papers apart. */
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

/** Two abstracts of one paper: equal, or one is a cut-off copy (prefix) of the other. */
export function sameWork(a: string, b: string): boolean {
  return a.startsWith(b) || b.startsWith(a);
}

interface Keyed {
  entry: Entry;
  fingerprint: string;
}

export function merge(entries: Entry[]): MergedPaper[] {
  const byKey = new Map<string, { fingerprint: string; members: Keyed[] }[]>();
  for (const entry of [...entries].sort(compareEntries)) {
    const key = titleKey(entry.title);
    const fp = abstractFingerprint(entry.abstract);
    let clusters = byKey.get(key);
    if (!clusters) byKey.set(key, (clusters = []));
    const hit = clusters.find((c) => sameWork(c.fingerprint, fp));
    if (hit) {
      hit.members.push({ entry, fingerprint: fp });
      if (fp.length > hit.fingerprint.length) hit.fingerprint = fp;
    } else clusters.push({ fingerprint: fp, members: [{ entry, fingerprint: fp }] });
  }
  const papers: MergedPaper[] = [];
  for (const [key, clusters] of byKey) {
    for (const c of clusters) papers.push(combine(key, c.fingerprint, c.members));
  }
  return papers.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Members arrive in file/line order (merge sorts the entries first). */
function combine(key: string, fingerprint: string, members: Keyed[]): MergedPaper {
  const entries = members.map((m) => m.entry);
  if (members.length === 1) {
    const e = entries[0];
    return { id: paperId(key, fingerprint), key, fingerprint, rawTitle: e.title, rawAbstract: e.abstract, date: e.date, upvotes: e.upvotes, authors: e.authors, entries };
  }
  // Longest abstract wins (a cut-off copy never replaces the full one); on a tie, the copy that kept more LaTeX backslashes.
  const best = [...members].sort((a, b) => b.fingerprint.length - a.fingerprint.length || backslashes(b.entry.abstract) - backslashes(a.entry.abstract) || compareEntries(a.entry, b.entry))[0].entry;
  const titled = [...entries].sort((a, b) => backslashes(b.title) - backslashes(a.title) || compareEntries(a, b))[0];
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

/** Stable identity from the title key and the start of the abstract (a later, longer copy keeps the same id). */
export function paperId(key: string, fingerprint: string): string {
  // Hex of the first 8 bytes: a string of its own (a slice of the full hex compares several times slower when sorting).
  return hash("sha256", key + "\u0000" + fingerprint.slice(0, 200), "buffer").toString("hex", 0, 8);
}

function backslashes(s: string): number {
  return s.split("\\").length - 1;
}

function compareEntries(a: Entry, b: Entry): number {
  return a.source.file < b.source.file ? -1 : a.source.file > b.source.file ? 1 : a.source.line - b.source.line;
}
