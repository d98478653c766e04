// Merge stage: entries that name the same paper (same normalised title, compatible abstracts) become one paper.
import { createHash } from "node:crypto";
import type { Entry } from "../types.ts";

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

/** Title → merge key: case, spacing, punctuation and backslashes do not matter. */
export function titleKey(title: string): string {
  const key = title.normalize("NFKC").toLowerCase().replace(/[^\p{L}\p{N}]+/gu, " ").trim();
  return key === "" ? title.normalize("NFKC").trim() : key;
}

/** Abstract → fingerprint: letters and digits only, so a dump that kept LaTeX backslashes matches one that lost them. */
export function abstractFingerprint(abstract: string): string {
  return abstract.normalize("NFKC").toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "");
}

/** Two abstracts of one paper: equal, or one is a cut-off copy (prefix) of the other. */
export function sameWork(a: string, b: string): boolean {
  return a.startsWith(b) || b.startsWith(a);
}

export function merge(entries: Entry[]): MergedPaper[] {
  const byKey = new Map<string, { fingerprint: string; entries: Entry[] }[]>();
  const ordered = [...entries].sort(compareEntries);
  for (const e of ordered) {
    const key = titleKey(e.title);
    const fp = abstractFingerprint(e.abstract);
    const clusters = byKey.get(key) ?? [];
    if (!byKey.has(key)) byKey.set(key, clusters);
    const hit = clusters.find((c) => sameWork(c.fingerprint, fp));
    if (hit) {
      hit.entries.push(e);
      if (fp.length > hit.fingerprint.length) hit.fingerprint = fp;
    } else clusters.push({ fingerprint: fp, entries: [e] });
  }
  const papers: MergedPaper[] = [];
  for (const [key, clusters] of byKey) {
    for (const c of clusters) papers.push(combine(key, c.fingerprint, c.entries));
  }
  return papers.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function combine(key: string, fingerprint: string, entries: Entry[]): MergedPaper {
  // Longest abstract wins (a cut-off copy never replaces the full one); on a tie, the copy that kept more LaTeX backslashes.
  const best = [...entries].sort((a, b) => abstractFingerprint(b.abstract).length - abstractFingerprint(a.abstract).length || backslashes(b.abstract) - backslashes(a.abstract) || compareEntries(a, b))[0];
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
    upvotes: upvotes.length ? Math.max(...upvotes) : null,
    authors: first((e) => e.authors),
    entries: [...entries].sort(compareEntries),
  };
}

/** Stable identity from the title key and the start of the abstract (a later, longer copy keeps the same id). */
export function paperId(key: string, fingerprint: string): string {
  return createHash("sha256").update(key + "\u0000" + fingerprint.slice(0, 200)).digest("hex").slice(0, 16);
}

function backslashes(s: string): number {
  return s.split("\\").length - 1;
}

function compareEntries(a: Entry, b: Entry): number {
  return a.source.file < b.source.file ? -1 : a.source.file > b.source.file ? 1 : a.source.line - b.source.line;
}
