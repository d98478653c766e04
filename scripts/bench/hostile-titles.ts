// Hostile benchmark case: thousands of entries with one title, through the merge and permalink stages, beside a normal input of the same size.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { readDumps } from "../dumps-file.ts";
import type { HostileCase as BenchCase } from "./hostile.ts";
import { parseDump } from "../stages/parse.ts";
import { merge } from "../stages/merge.ts";
import { assignSlugs, type RegistryEntry } from "../stages/permalinks.ts";
import type { Entry } from "../types.ts";
import { prng, synthPapers } from "./synth.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** One input: its name and its entries. */
export interface HostileCase {
  name: string;
  entries: Entry[];
}

const entry = (title: string, abstract: string, line: number): Entry => ({ source: { file: "bench.txt", line, title }, title, abstract, date: null, upvotes: null, authors: null, truncated: false });

/**
 * The inputs, `n` entries each: distinct synthetic papers (the normal input); one title for every entry, each with an
 * abstract of its own; one title and one 400-character opening, different continuations; one title and one abstract
 * with a different typo in each copy (one paper).
 */
export function hostileTitleCases(n: number): HostileCase[] {
  const seed = readDumps(path.join(root, "content/dumps")).dumps.flatMap((d) => parseDump(d.file, d.text).entries);
  const papers = synthPapers(seed, n, 7);
  const title = "Attention Is All You Need";
  const opening = papers[0].abstract.padEnd(400, " More text.").slice(0, 400);
  const rand = prng(11);
  const typo = (s: string) => {
    const i = Math.floor(rand() * s.length);
    return s.slice(0, i) + (s[i] === "e" ? "a" : "e") + s.slice(i + 1);
  };
  return [
    { name: "normal: distinct titles", entries: papers.map((p, i) => entry(p.title, p.abstract, i + 1)) },
    { name: "one title, distinct abstracts", entries: papers.map((p, i) => entry(title, p.abstract, i + 1)) },
    { name: "one title, one 400-char opening", entries: papers.map((p, i) => entry(title, `${opening} ${p.abstract}`, i + 1)) },
    { name: "one title, one abstract with typos", entries: papers.map((_, i) => entry(title, typo(papers[0].abstract), i + 1)) },
  ];
}

/** The same-title inputs as cases of `npm run bench:hostile`: merge + permalinks, beside distinct titles of as many entries. */
export function titleCases(n = 20_000): BenchCase[] {
  let inputs: HostileCase[] | null = null;
  const all = () => (inputs ??= hostileTitleCases(n));
  const run = (entries: Entry[]) => {
    const merged = merge(entries);
    return assignSlugs(merged.map((m) => ({ id: m.id, key: m.key, fingerprint: m.fingerprint, title: m.entries[0].title })), []);
  };
  return [1, 2, 3].map((i) => ({
    name: `${n.toLocaleString("en")} entries, ${hostileTitleNames[i]}`,
    stages: "merge + permalinks",
    hostile: () => all()[i].entries,
    normal: () => all()[0].entries,
    bytes: (entries: Entry[]) => entries.reduce((sum, e) => sum + e.title.length + e.abstract.length, 0),
    run,
  }));
}

const hostileTitleNames = ["distinct titles", "one title, distinct abstracts", "one title, one 400-char opening", "one title, one abstract with typos"];
