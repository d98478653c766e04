// Parse stage: one dump's text → entries, recognising the three known layouts by structure, never by file name.
import type { Entry, Rejected, Warning } from "../types.ts";
import { compact } from "./compact.ts";
import { dateProblem } from "./dates.ts";

export interface ParseResult {
  /** Which layout the file was read as. */
  layout: "page-with-meta" | "page" | "compact" | "unknown" | "empty";
  entries: Entry[];
  rejected: Rejected[];
  warnings: Warning[];
}

interface Line {
  no: number;
  text: string;
}

const PAGE_HEADER = new Set([
  "new",
  "Get trending papers in your email inbox!",
  "Get trending papers in your email inbox once a day!",
  "Subscribe",
  "Daily Papers",
  "byAK and the research community",
]);
const LISTING_DATE = /^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{1,2}$/;
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const AUTHORS = /^•\s*(\d+)\s+authors?$/;
// The upvote count after the year: any token with a digit, so that a malformed one (`1.5k`, `-3`) is reported by itself
// and the date kept.
const META_DATE = /^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{1,2}), (\d{4})(?:\s+(\S*\d\S*))?$/;
const MAX_TITLE = 400;

/** Parse one dump. `file` is the name used in messages; `text` is already decoded (no BOM). */
export function parseDump(file: string, text: string): ParseResult {
  const lines = text.replace(/\r\n?/g, "\n").split("\n").map((t, i) => ({ no: i + 1, text: trimEndBlank(t) }));
  const nonEmpty = lines.filter((l) => l.text.trim() !== "");
  if (nonEmpty.length === 0) {
    return { layout: "empty", entries: [], rejected: [], warnings: [{ file, line: 0, message: "file is empty: no papers read" }] };
  }
  const glued = nonEmpty.findIndex((l) => /^Subscribe\S/.test(l.text.trim()));
  if (glued !== -1 && glued <= 3 && nonEmpty.slice(0, glued).every((l) => PAGE_HEADER.has(l.text.trim()))) {
    return parseCompact(file, nonEmpty.slice(glued), text.endsWith("\n"));
  }
  const headerEnd = pageHeaderEnd(nonEmpty);
  if (headerEnd > 0) return parsePage(file, lines, nonEmpty[headerEnd - 1].no, text.endsWith("\n"));
  return {
    layout: "unknown",
    entries: [],
    // Not a dump: nothing of it is quoted, as it may be any file (reasons of a dump's entries quote at most 60 characters).
    rejected: [{ file, line: 1, reason: `unknown layout: not a "Daily Papers" page or a compact dump (its first lines are neither the page's header nor "Subscribe" and a title); no papers read` }],
    warnings: [],
  };
}

/** `t` without trailing spaces and tabs (a scan from the end: `/[\t ]+$/` tries every start in a run of blanks). */
function trimEndBlank(t: string): string {
  let end = t.length;
  while (end > 0 && (t[end - 1] === " " || t[end - 1] === "\t")) end--;
  return end === t.length ? t : t.slice(0, end);
}

/** Number of leading non-empty lines that form a Daily Papers page header (0 if none). */
function pageHeaderEnd(nonEmpty: Line[]): number {
  let i = 0;
  let sawDailyPapers = false;
  while (i < nonEmpty.length && (PAGE_HEADER.has(nonEmpty[i].text.trim()) || (sawDailyPapers && LISTING_DATE.test(nonEmpty[i].text.trim())))) {
    if (nonEmpty[i].text.trim() === "Daily Papers") sawDailyPapers = true;
    i++;
  }
  return sawDailyPapers ? i : 0;
}

function parseCompact(file: string, body: Line[], endsWithNewline: boolean): ParseResult {
  const first = { no: body[0].no, text: body[0].text.trim().slice("Subscribe".length) };
  const rows = [first, ...body.slice(1).map((l) => ({ no: l.no, text: l.text.trim() }))];
  const result: ParseResult = { layout: "compact", entries: [], rejected: [], warnings: [] };
  for (let i = 0; i < rows.length; i += 2) {
    const title = rows[i];
    const abstract = rows[i + 1];
    if (!abstract) {
      result.rejected.push({ file, line: title.no, reason: `title ${JSON.stringify(clip(title.text))} has no abstract (file ends)` });
      break;
    }
    const problem = titleProblem(title.text, abstract.text);
    if (problem) {
      result.rejected.push({ file, line: title.no, reason: problem });
      continue;
    }
    const last = i + 2 >= rows.length;
    result.entries.push(entry(file, title, abstract.text, null, last && looksCut(abstract.text, endsWithNewline)));
  }
  return withTruncationWarnings(result);
}

function parsePage(file: string, lines: Line[], headerLastLine: number, endsWithNewline: boolean): ParseResult {
  // Blocks: runs of non-empty lines separated by blank lines, after the header.
  const blocks: Line[][] = [];
  let current: Line[] = [];
  for (const l of lines) {
    if (l.no <= headerLastLine) continue;
    if (l.text.trim() === "") {
      if (current.length) blocks.push(current);
      current = [];
    } else current.push(l);
  }
  if (current.length) blocks.push(current);

  const result: ParseResult = { layout: "page", entries: [], rejected: [], warnings: [] };
  let i = 0;
  while (i < blocks.length) {
    const titleBlock = blocks[i];
    if (isMeta(titleBlock)) {
      result.rejected.push({ file, line: titleBlock[0].no, reason: "meta block (authors/date) without a title and abstract before it" });
      i++;
      continue;
    }
    const title = { no: titleBlock[0].no, text: joinBlock(titleBlock) };
    const abstractBlock = blocks[i + 1];
    if (!abstractBlock || isMeta(abstractBlock)) {
      result.rejected.push({ file, line: title.no, reason: `title ${JSON.stringify(clip(title.text))} has no abstract${abstractBlock ? "" : " (file ends)"}` });
      i += abstractBlock ? 2 : 1;
      continue;
    }
    const abstract = joinBlock(abstractBlock);
    const metaBlock = blocks[i + 2] && isMeta(blocks[i + 2]) ? blocks[i + 2] : undefined;
    i += metaBlock ? 3 : 2;
    const problem = titleProblem(title.text, abstract);
    if (problem) {
      result.rejected.push({ file, line: title.no, reason: problem });
      continue;
    }
    const meta = metaBlock ? readMeta(file, metaBlock, result.warnings) : null;
    if (meta) result.layout = "page-with-meta";
    const last = i >= blocks.length;
    result.entries.push(entry(file, title, abstract, meta, last && !metaBlock && looksCut(abstract, endsWithNewline)));
  }
  if (result.layout === "page-with-meta") {
    // A page whose entries carry meta blocks: an entry without one was probably cut short.
    for (const e of result.entries) {
      if (e.date === null && e.authors === null) {
        result.warnings.push({ file, line: e.source.line, message: `entry ${JSON.stringify(clip(e.title))} has no authors/date block, unlike the rest of the file` });
      }
    }
  }
  return withTruncationWarnings(result);
}

/** An authors/date block; one damaged line in it (a byte that was not UTF-8) does not make it a title, which would shift every later entry. */
function isMeta(block: Line[]): boolean {
  let meta = 0;
  for (const l of block) {
    const t = l.text.trim();
    if (AUTHORS.test(t) || t === "·" || META_DATE.test(t)) meta++;
  }
  return meta > 0 && meta >= block.length - 1;
}

function readMeta(file: string, block: Line[], warnings: Warning[]): { date: string | null; upvotes: number | null; authors: number | null } {
  const meta = { date: null as string | null, upvotes: null as number | null, authors: null as number | null };
  for (const l of block) {
    const t = l.text.trim();
    const a = AUTHORS.exec(t);
    const d = META_DATE.exec(t);
    if (a) meta.authors = count(a[1], "author count", file, l.no, warnings);
    else if (d) {
      const month = MONTHS.indexOf(d[1]) + 1;
      const day = Number(d[2]);
      const year = Number(d[3]);
      const problem = dateProblem(year, month, day);
      if (problem === null) meta.date = `${d[3]}-${pad(month)}-${pad(day)}`;
      else warnings.push({ file, line: l.no, message: `date ${JSON.stringify(t)}: ${problem}; kept the paper without a date` });
      if (d[4] !== undefined) meta.upvotes = count(d[4], "upvote count", file, l.no, warnings);
    } else if (t !== "·") warnings.push({ file, line: l.no, message: `unrecognised line in authors/date block: ${JSON.stringify(clip(t))}` });
  }
  return meta;
}

function titleProblem(title: string, abstract: string): string | null {
  if (title.length > MAX_TITLE) return `title is ${title.length} characters long (at most ${MAX_TITLE}): probably an abstract without its title`;
  if (abstract.length < title.length / 2 && abstract.length < 40) return `abstract ${JSON.stringify(clip(abstract))} is too short to be an abstract`;
  return null;
}

function entry(file: string, title: Line, abstract: string, meta: { date: string | null; upvotes: number | null; authors: number | null } | null, truncated: boolean): Entry {
  const t = compact(title.text);
  return {
    source: { file, line: title.no, title: t },
    title: t,
    abstract: compact(abstract),
    date: meta?.date ?? null,
    upvotes: meta?.upvotes ?? null,
    authors: meta?.authors ?? null,
    truncated,
  };
}

function withTruncationWarnings(result: ParseResult): ParseResult {
  for (const e of result.entries) {
    if (e.truncated) result.warnings.push({ file: e.source.file, line: e.source.line, message: `last entry ${JSON.stringify(clip(e.title))} looks cut off (file ends mid-abstract); kept as read` });
  }
  return result;
}

/** A last abstract that stops mid-sentence in a file without a final newline was probably cut off. */
function looksCut(abstract: string, endsWithNewline: boolean): boolean {
  return !endsWithNewline && !/[.!?)\]"'”’]$/.test(abstract);
}

/** Whitespace that `\s+` → " " would change: a run, or one that is not a plain space. */
const SPACE_TO_FOLD = /\s\s|[^\S ]/;

function joinBlock(block: Line[]): string {
  const joined = block.length === 1 ? block[0].text.trim() : block.map((l) => l.text.trim()).join(" ");
  // Replacing when nothing changes would only turn the text into a rope (see compact.ts).
  return SPACE_TO_FOLD.test(joined) ? joined.replace(/\s+/g, " ") : joined;
}

/**
 * A count as a number, exactly; null with a warning when it is not all digits, or beyond Number.MAX_SAFE_INTEGER (it
 * would be rounded, `9007199254740993` → `…992`, or shown as `1e+20`): the paper is kept without it, never with a wrong one.
 */
function count(digits: string, what: string, file: string, line: number, warnings: Warning[]): number | null {
  if (!/^\d+$/.test(digits)) {
    warnings.push({ file, line, message: `${what} ${JSON.stringify(clip(digits, 24))} is not a whole number; kept the paper without it` });
    return null;
  }
  const n = Number(digits);
  if (Number.isSafeInteger(n)) return n;
  warnings.push({ file, line, message: `${what} ${clip(digits, 24)} (${digits.length} digits) is too large to be exact; kept the paper without it` });
  return null;
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

export function clip(s: string, n = 60): string {
  return s.length > n ? s.slice(0, n) + "…" : s;
}
