// Test helper: a small, forgiving reader for the bundled dumps (content/dumps/*.txt) that builds
// Paper objects for the classify / related stages before (or independently of) the real pipeline.
// It is not the pipeline's parser: it only needs titles and abstracts, deduplicated by title.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { CleanText, Paper } from "../../scripts/types.ts";

export const DUMPS_DIR = fileURLToPath(new URL("../../content/dumps/", import.meta.url));

const HEADER = new Set([
  "new",
  "Get trending papers in your email inbox!",
  "Get trending papers in your email inbox once a day!",
  "Subscribe",
  "Daily Papers",
  "byAK and the research community",
]);
const DATE_LINE = /^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]* \d{1,2}(, \d{4})?( \d+)?$/;
const META_LINE = /^\s*•\s*\d+ authors?$|^·$/;

export interface SeedEntry {
  file: string;
  line: number;
  title: string;
  abstract: string;
}

/** Entries of one dump file, in order. */
export function readDump(file: string, text: string): SeedEntry[] {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  const out: SeedEntry[] = [];
  // Content lines with their 1-based numbers; header/meta lines dropped, "Subscribe" glued to a title split off.
  const content: { n: number; s: string }[] = [];
  let inHeader = true;
  lines.forEach((raw, i) => {
    let s = raw.trim();
    if (inHeader) {
      if (s.startsWith("Subscribe") && s.length > "Subscribe".length) {
        s = s.slice("Subscribe".length).trim();
        inHeader = false;
      } else if (s === "" || HEADER.has(s) || DATE_LINE.test(s)) {
        return;
      } else {
        inHeader = false;
      }
    }
    if (s === "" || META_LINE.test(s) || DATE_LINE.test(s)) return;
    content.push({ n: i + 1, s });
  });
  // Title lines are short and do not end like a sentence; abstracts follow them. Pair them in order.
  for (let k = 0; k + 1 < content.length; k += 2) {
    out.push({ file, line: content[k].n, title: content[k].s, abstract: content[k + 1].s.replace(/\s+/g, " ") });
  }
  return out;
}

function clean(raw: string): CleanText {
  return { markdown: raw, plain: raw, stats: { mathSpans: 0, leftAsText: 0, textCommands: 0 } };
}

function normTitle(t: string): string {
  return t.toLowerCase().replace(/[^a-z0-9]+/g, " ").trim();
}

/** Distinct papers from every dump in `dir`, deduplicated by title, sorted by id. */
export function loadSeedPapers(dir: string = DUMPS_DIR): Paper[] {
  const byTitle = new Map<string, Paper>();
  for (const name of readdirSync(dir).filter((f) => f.endsWith(".txt")).sort()) {
    for (const e of readDump(name, readFileSync(join(dir, name), "utf8"))) {
      const key = normTitle(e.title);
      const have = byTitle.get(key);
      const src = { file: e.file, line: e.line, title: e.title };
      if (have) {
        have.sources.push(src);
        if (e.abstract.length > have.rawAbstract.length) {
          have.rawAbstract = e.abstract;
          have.abstract = clean(e.abstract);
        }
        continue;
      }
      const id = createHash("sha256").update(key).digest("hex").slice(0, 16);
      byTitle.set(key, {
        id,
        slug: key.replace(/ /g, "-").slice(0, 60),
        rawTitle: e.title,
        rawAbstract: e.abstract,
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
