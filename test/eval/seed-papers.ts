// Test helper: Paper objects for the classify / related stages straight from the bundled dumps (content/dumps/*.txt),
// read by the pipeline's parser and deduplicated by title, with the raw text standing in for the clean text.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { CleanText, Paper } from "../../scripts/types.ts";
import { parseDump } from "../../scripts/stages/parse.ts";

export const DUMPS_DIR = fileURLToPath(new URL("../../content/dumps/", import.meta.url));

export interface SeedEntry {
  file: string;
  line: number;
  title: string;
  abstract: string;
}

/** Entries of one dump file, in order, read by the pipeline's own parser. */
export function readDump(file: string, text: string): SeedEntry[] {
  return parseDump(file, text).entries.map((e) => ({ file, line: e.source.line, title: e.title, abstract: e.abstract }));
}

function clean(raw: string): CleanText {
  return { markdown: raw, plain: raw, stats: { mathSpans: 0, leftAsText: 0, textCommands: 0, rawTexLeft: [] } };
}

function normTitle(t: string): string {
  return t.toLowerCase().replace(/[^a-z0-9]+/g, " ").trim();
}

/** Distinct papers from every dump in `dir`, deduplicated by title, sorted by id. */
export function loadSeedPapers(dir: string = DUMPS_DIR): Paper[] {
  const byTitle = new Map<string, Paper>();
  const rawAbstract = new Map<string, string>();
  for (const name of readdirSync(dir).filter((f) => f.endsWith(".txt")).sort()) {
    for (const e of readDump(name, readFileSync(join(dir, name), "utf8"))) {
      const key = normTitle(e.title);
      const have = byTitle.get(key);
      const src = { file: e.file, line: e.line, title: e.title };
      if (have) {
        have.sources.push(src);
        if (e.abstract.length > rawAbstract.get(key)!.length) {
          rawAbstract.set(key, e.abstract);
          have.abstract = clean(e.abstract);
        }
        continue;
      }
      const id = createHash("sha256").update(key).digest("hex").slice(0, 16);
      rawAbstract.set(key, e.abstract);
      byTitle.set(key, {
        id,
        slug: key.replace(/ /g, "-").slice(0, 60),
        title: clean(e.title),
        abstract: clean(e.abstract),
        date: null,
        upvotes: null,
        authors: null,
        links: [],
        topics: [],
        keywords: [],
        related: [],
        sources: [src],
      });
    }
  }
  return [...byTitle.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
