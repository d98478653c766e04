// All file access of the ingest: reading dumps, registry, overrides and taxonomy; writing pages and catalogue.json.
import { closeSync, copyFileSync, existsSync, linkSync, fstatSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmdirSync, rmSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { spawn } from "node:child_process";
import { createHash, hash } from "node:crypto";
import path from "node:path";
import iconv from "iconv-lite";
import yaml from "js-yaml";
import type { Warning } from "./types.ts";
import { readFrontMatter } from "./frontmatter.ts";
import type { RegistryEntry } from "./stages/permalinks.ts";
import type { TermStat, TermStats } from "./stages/related/tfidf.ts";
import type { Memo, PageRecord } from "./ingest-cache.ts";

export interface DumpFile {
  file: string;
  text: string;
  /** Hash of the file's bytes (cache keys of what is read from it); absent for text that did not come from a file. */
  hash?: string;
}

/** Reads every regular file in the dumps folder (sorted by name), decoding UTF-8 (with or without BOM), UTF-16 or Windows-1252. */
export function readDumps(dir: string): { dumps: DumpFile[]; warnings: Warning[] } {
  return decodeDumps(readDumpFiles(dir));
}

/** A dump file's bytes, not yet decoded (read on first use), their hash and the file's stamp. */
export interface DumpBytes {
  file: string;
  size: number;
  hash: string;
  stamp: DumpStamp;
  bytes: () => Buffer;
}

/**
 * What a dump file looked like when its hash was taken: a file whose size, times and inode are the same is taken to
 * hold the same bytes (as git and make take it), unless it changed less than STAMP_MARGIN_MS before the hash was taken
 * (a second change within the same clock tick would leave the times as they were).
 */
export interface DumpStamp {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
  /** When the hash was taken (epoch ms). */
  at: number;
  hash: string;
}

const STAMP_MARGIN_MS = 2000;

/**
 * Every regular file in the dumps folder, sorted by name (hidden files are not dumps). A file whose stamp matches one
 * in `known` (name → stamp of an earlier read) keeps that hash and is read only if its bytes are asked for: at 100,000
 * papers reading and hashing every dump took about 2 s of each rebuild.
 */
export function readDumpFiles(dir: string, known?: Map<string, DumpStamp>): DumpBytes[] {
  if (!existsSync(dir)) throw new Error(`dumps folder ${dir} does not exist`);
  const files: DumpBytes[] = [];
  for (const file of readdirSync(dir).sort()) {
    const full = path.join(dir, file);
    const st = statSync(full);
    if (file.startsWith(".") || !st.isFile()) continue;
    const was = known?.get(file);
    const same = was !== undefined && was.size === st.size && was.mtimeMs === st.mtimeMs && was.ctimeMs === st.ctimeMs && was.ino === st.ino && st.mtimeMs + STAMP_MARGIN_MS < was.at && st.ctimeMs + STAMP_MARGIN_MS < was.at;
    if (same) {
      let bytes: Buffer | undefined;
      files.push({ file, size: st.size, hash: was.hash, stamp: was, bytes: () => (bytes ??= readFileSync(full)) });
      continue;
    }
    const at = Date.now();
    const bytes = readFileSync(full);
    const h = hash("sha256", bytes, "base64url").slice(0, 22);
    files.push({ file, size: bytes.length, hash: h, stamp: { size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino, at, hash: h }, bytes: () => bytes });
  }
  return files;
}

export function decodeDumps(files: DumpBytes[]): { dumps: DumpFile[]; warnings: Warning[] } {
  const dumps: DumpFile[] = [];
  const warnings: Warning[] = [];
  for (const f of files) {
    const decoded = decodeDump(f.file, f.bytes());
    warnings.push(...decoded.warnings);
    if (decoded.text !== null) dumps.push({ file: f.file, text: decoded.text, hash: f.hash });
  }
  return { dumps, warnings };
}

/** A hash of a file's bytes; null when it does not exist. */
export function fileHash(file: string): string | null {
  return existsSync(file) ? hash("sha256", readFileSync(file), "base64url") : null;
}

export function decodeDump(file: string, bytes: Buffer): { text: string | null; warnings: Warning[] } {
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) {
    const enc = bytes[0] === 0xff ? "utf16le" : "utf16be";
    return withoutControls(file, iconv.decode(bytes.subarray(2), enc), [{ file, line: 0, message: `decoded as ${enc.toUpperCase()} (byte order mark)` }]);
  }
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const body = bom ? bytes.subarray(3) : bytes;
  // Harmless, but said: --strict asks for clean input, and the issue is easy to fix at the source.
  const notes: Warning[] = bom ? [{ file, line: 1, message: "UTF-8 byte order mark removed" }] : [];
  const crlf = body.indexOf("\r\n");
  if (crlf !== -1) notes.push({ file, line: body.subarray(0, crlf).toString("latin1").split("\n").length, message: "Windows line endings (CRLF) read as plain line ends" });
  let controls = 0;
  for (let i = 0; i < body.length; i++) {
    const b = body[i];
    if (b < 32 && b !== 9 && b !== 10 && b !== 13) controls++;
  }
  // A text file with a stray control byte or two is kept (they are removed below); many of them, or NUL runs, mean binary.
  if (controls > Math.max(2, body.length / 100)) {
    return { text: null, warnings: [{ file, line: 0, message: `binary file (${controls} control bytes): skipped, no papers read` }] };
  }
  try {
    return withoutControls(file, new TextDecoder("utf-8", { fatal: true }).decode(body), notes);
  } catch {
    const at = firstInvalidUtf8Line(body);
    return withoutControls(file, iconv.decode(body, "windows-1252"), [...notes, { file, line: at, message: "not valid UTF-8: decoded as Windows-1252 (Latin-1); check accented letters" }]);
  }
}

/** C0 controls other than tab/newline/carriage return, DEL and C1 controls: never text, removed with a warning naming the first line. */
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;

function withoutControls(file: string, text: string, warnings: Warning[]): { text: string; warnings: Warning[] } {
  const found = text.match(CONTROL);
  if (!found) return { text, warnings };
  const line = text.slice(0, text.search(CONTROL)).split(/\r\n?|\n/).length;
  return { text: text.replace(CONTROL, ""), warnings: [...warnings, { file, line, message: `${found.length} control character${found.length === 1 ? "" : "s"} (not text) removed` }] };
}

function firstInvalidUtf8Line(bytes: Buffer): number {
  let line = 1;
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === 10) {
      try {
        new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(start, i));
      } catch {
        return line;
      }
      line++;
      start = i + 1;
    }
  }
  return 0;
}

/** A published slug: lowercase ASCII letters, digits and single hyphens, at most 80 characters (no `.`, `/` or `..`). */
export const SAFE_SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/**
 * Reads the permalinks registry: its entries, and a hash of its text (null when it does not exist) that writeRegistry's
 * matches. A damaged registry stops the build (it decides every URL), naming the file and the entry.
 */
export function readRegistry(file: string): { entries: RegistryEntry[]; hash: string | null } {
  if (!existsSync(file)) return { entries: [], hash: null };
  const text = readFileSync(file, "utf8");
  let data: { papers?: unknown };
  try {
    data = JSON.parse(text) as { papers?: unknown };
  } catch (e) {
    throw new Error(`${file}: not valid JSON (${(e as Error).message}); restore it from git`);
  }
  if (!data || !Array.isArray(data.papers)) throw new Error(`${file}: expected {"papers": [...]}`);
  const seen = new Set<string>();
  data.papers.forEach((r: unknown, i: number) => {
    const e = r as Partial<RegistryEntry> | null;
    if (!e || typeof e.slug !== "string" || typeof e.key !== "string" || typeof e.fingerprint !== "string") {
      throw new Error(`${file}: papers[${i}] needs string fields slug, key and fingerprint`);
    }
    if (e.end !== undefined && typeof e.end !== "string") throw new Error(`${file}: papers[${i}]: end must be a string`);
    if (!SAFE_SLUG.test(e.slug) || e.slug.length > 80) throw new Error(`${file}: papers[${i}]: slug ${JSON.stringify(e.slug)} is not a safe URL slug (a-z, 0-9, -)`);
    if (seen.has(e.slug)) throw new Error(`${file}: papers[${i}]: slug "${e.slug}" is listed twice`);
    seen.add(e.slug);
  });
  return { entries: data.papers as RegistryEntry[], hash: textHash(text) };
}

/** Writes the registry (when it changed); returns the hash of its text, as readRegistry will give it. */
export function writeRegistry(file: string, registry: RegistryEntry[]): string {
  const text = JSON.stringify({ note: "Published paper URLs: generated by the ingest, kept in git so URLs never change. Do not edit by hand.", papers: registry }, null, 1) + "\n";
  writeIfChanged(file, text);
  return textHash(text);
}

const textHash = (text: string) => hash("sha256", text, "base64url");

const TERM_STATS_NOTE = "Term statistics the related papers are weighed by: generated by the ingest and kept, so that adding papers leaves the other papers' related lists alone. Counted afresh when the catalogue grows or shrinks by a quarter, or when this file is deleted.";

/**
 * Reads frozen term statistics (related.ts); null when the file does not exist, or with a warning naming the file and
 * the entry when it is not valid (the ingest then counts them afresh and writes the file again).
 */
export function readTermStats(file: string): { stats: TermStats | null; warnings: Warning[] } {
  if (!existsSync(file)) return { stats: null, warnings: [] };
  const invalid = (why: string) => ({ stats: null, warnings: [{ file, line: 0, message: `${why}; term statistics counted afresh` }] });
  let data: { version?: unknown; papers?: unknown; cap?: unknown; terms?: unknown };
  try {
    data = JSON.parse(readFileSync(file, "utf8")) as typeof data;
  } catch (e) {
    return invalid(`not valid JSON (${(e as Error).message})`);
  }
  const count = (x: unknown, min: number) => typeof x === "number" && Number.isInteger(x) && x >= min;
  if (!data || !count(data.version, 1) || !count(data.papers, 1) || !(data.cap === null || count(data.cap, 1)) || !Array.isArray(data.terms)) {
    return invalid(`expected {"version", "papers", "cap", "terms": [...]}`);
  }
  const papers = data.papers as number;
  const terms = new Map<string, TermStat>();
  for (let i = 0; i < data.terms.length; i++) {
    const e = data.terms[i] as unknown[];
    const ok = Array.isArray(e) && (e.length === 3 || e.length === 4) && typeof e[0] === "string" && count(e[1], 2) && (e[1] as number) <= papers && typeof e[2] === "string" && (e.length === 3 || (typeof e[3] === "number" && e[3] > 0 && e[3] <= 1));
    if (!ok || terms.has(e[0] as string)) return invalid(`terms[${i}]: ${JSON.stringify(e).slice(0, 80)} is not [term, papers holding it (2 … ${papers}), display form, optional threshold (0 … 1)] or repeats a term`);
    terms.set(e[0] as string, { df: e[1] as number, display: e[2] as string, threshold: (e[3] as number | undefined) ?? 0 });
  }
  return { stats: { version: data.version as number, papers, cap: data.cap as number | null, terms }, warnings: [] };
}

/** Writes frozen term statistics, a term per line in key order, only when they changed. */
export function writeTermStats(file: string, stats: TermStats): void {
  const terms = [...stats.terms].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, t]) => JSON.stringify(t.threshold > 0 ? [key, t.df, t.display, t.threshold] : [key, t.df, t.display]));
  const head = JSON.stringify({ note: TERM_STATS_NOTE, version: stats.version, papers: stats.papers, cap: stats.cap });
  writeIfChanged(file, `${head.slice(0, -1)},\n"terms": [\n${terms.join(",\n")}\n]}\n`);
}

/** Reads a YAML file (core schema: dates stay strings) or returns `fallback` when it does not exist. Errors name the file and the line. */
export function readYaml(file: string, fallback: unknown): unknown {
  if (!existsSync(file)) return fallback;
  try {
    return yaml.load(readFileSync(file, "utf8"), { filename: file, schema: yaml.CORE_SCHEMA }) ?? fallback;
  } catch (e) {
    throw new Error(`${file}: ${(e as Error).message}`);
  }
}

/** Writes a file only when its bytes change, so unchanged pages keep their mtime. Returns true when written. */
export function writeIfChanged(file: string, text: string): boolean {
  if (existsSync(file) && readFileSync(file, "utf8") === text) return false;
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
  return true;
}

/** Content hash of a page text (the render cache compares these). */
export function pageHash(text: string): string {
  return hash("sha256", text, "hex").slice(0, 20);
}

/** A page to write: file name, text (made on demand) and, when known, a fingerprint that determines the text. */
export interface PageToWrite {
  file: string;
  text: () => string;
  fingerprint: string | null;
}

/**
 * Writes pages into `dir` and removes `.md` files there that are no longer produced. A page whose fingerprint's text
 * hash is known (`known`) and whose file is as `previous` recorded it (that hash, size and modification time) is left
 * alone: its text is not even made. Otherwise the file's bytes are compared, so unchanged pages keep their mtime either
 * way. Returns the counts and a record of every page, in the order given.
 */
export async function syncPages(
  dir: string,
  pages: Iterable<PageToWrite>,
  previous: Map<string, PageRecord> = new Map(),
  known?: Memo<string>,
  writeBatch?: PageWriter,
  listing?: Promise<Map<string, FileStamp>>,
): Promise<{ written: number; unchanged: number; removed: number; records: Map<string, PageRecord> }> {
  mkdirSync(dir, { recursive: true });
  let written = 0;
  let unchanged = 0;
  let removed = 0;
  const records = new Map<string, PageRecord>();
  const present = listing ? await listing : listPages(dir);
  // Pages handed to `writeBatch` (records filled in once written), and the batches being written, oldest first.
  let batch: [string, string][] = [];
  let batchRecords: PageRecord[] = [];
  const writing: Promise<void>[] = [];
  const flush = () => {
    const [files, recs] = [batch, batchRecords];
    [batch, batchRecords] = [[], []];
    writing.push(
      writeBatch!(files).then((stamps) =>
        stamps.forEach((st, i) => {
          recs[i].size = st.size;
          recs[i].mtimeMs = st.mtimeMs;
        }),
      ),
    );
  };
  for (const page of pages) {
    const file = path.join(dir, page.file);
    const before = previous.get(page.file);
    const st = present.get(page.file);
    const knownHash = page.fingerprint === null ? undefined : known?.get(page.fingerprint);
    if (st && before && knownHash === before.hash && before.size === st.size && before.mtimeMs === st.mtimeMs) {
      records.set(page.file, before);
      unchanged++;
      continue;
    }
    const text = page.text();
    const h = pageHash(text);
    if (page.fingerprint !== null) known?.set(page.fingerprint, h);
    if (st && st.size === Buffer.byteLength(text) && readFileSync(file, "utf8") === text) {
      records.set(page.file, { hash: h, size: st.size, mtimeMs: st.mtimeMs });
      unchanged++;
    } else {
      // Written in place, not renamed into place: a page cut short by a crash differs from its record, so the next
      // ingest rewrites it; writing a temporary file and renaming it costs twice as much at 100,000 pages.
      if (writeBatch) {
        const record = { hash: h, size: 0, mtimeMs: 0 };
        records.set(page.file, record);
        batch.push([file, text]);
        batchRecords.push(record);
        if (batch.length === WRITE_BATCH) flush();
        if (writing.length > BATCHES_IN_FLIGHT) await settle(writing, writing.shift()!);
      } else {
        const now = writePage(file, text);
        records.set(page.file, { hash: h, size: now.size, mtimeMs: now.mtimeMs });
      }
      written++;
    }
  }
  if (batch.length) flush();
  while (writing.length) await settle(writing, writing.shift()!);
  for (const name of present.keys()) {
    if (name.endsWith(".md") && !records.has(name)) {
      unlinkSync(path.join(dir, name));
      removed++;
    }
  }
  return { written, unchanged, removed, records };
}

/**
 * Every file in `dir` (none if it is missing) with its size and time: what syncPages compares with its records. Listed
 * once, so a first build makes no failed stat call per page; a large ingest lists on a worker thread while it parses
 * (at 100,000 pages the stat calls cost about 1 s).
 */
export function listPages(dir: string): Map<string, FileStamp> {
  const files = new Map<string, FileStamp>();
  if (!existsSync(dir)) return files;
  for (const name of readdirSync(dir)) {
    const st = statSync(path.join(dir, name), { throwIfNoEntry: false });
    if (st?.isFile()) files.set(name, { size: st.size, mtimeMs: st.mtimeMs });
  }
  return files;
}

/** Pages per batch handed to a PageWriter, and most batches not yet written. */
const WRITE_BATCH = 256;
const BATCHES_IN_FLIGHT = 8;

/**
 * Writes a batch of [file, text] pages, in order, and gives each file's size and time: the ingest's page writer runs
 * writePage on a worker thread (parallel.ts), so that the file system's work overlaps the making of the next pages'
 * texts (at 100,000 new pages each costs about 7 s). One thread writes: threads creating files in one folder at once
 * were slower here than one.
 */
export type PageWriter = (batch: [string, string][]) => Promise<FileStamp[]>;

export interface FileStamp {
  size: number;
  mtimeMs: number;
}

/** Waits for one batch; if it failed, waits for the others to stop writing before reporting the failure. */
async function settle(rest: Promise<void>[], first: Promise<void>): Promise<void> {
  try {
    await first;
  } catch (e) {
    await Promise.allSettled(rest);
    throw e;
  }
}

/** Writes `text` to `file` and returns the file's size and time, read from the open file (no second path lookup). */
export function writePage(file: string, text: string): FileStamp {
  const fd = openSync(file, "w");
  try {
    writeFileSync(fd, text);
    const st = fstatSync(fd);
    return { size: st.size, mtimeMs: st.mtimeMs };
  } finally {
    closeSync(fd);
  }
}

/** Writes a text given in pieces (strings, about a megabyte per write, and bytes); returns the SHA-256 of what it wrote. */
export function writeChunks(file: string, chunks: Iterable<string | Buffer>): string {
  const fd = openSync(file, "w");
  const sha = createHash("sha256");
  const write = (bytes: Buffer) => {
    sha.update(bytes);
    writeFileSync(fd, bytes);
  };
  try {
    let pending: string[] = [];
    let length = 0;
    const flush = () => {
      if (pending.length) write(Buffer.from(pending.join("")));
      pending = [];
      length = 0;
    };
    for (const c of chunks) {
      if (typeof c !== "string") {
        flush();
        write(c);
        continue;
      }
      pending.push(c);
      length += c.length;
      if (length >= 1 << 20) flush();
    }
    flush();
  } finally {
    closeSync(fd);
  }
  return sha.digest("base64url");
}

/** The bytes of `file` when their SHA-256 (as writeChunks gives it) is `expected`, else null. */
export function readIfHash(file: string, expected: string): Buffer | null {
  if (!existsSync(file)) return null;
  const bytes = readFileSync(file);
  return hash("sha256", bytes, "base64url") === expected ? bytes : null;
}

/**
 * Writes the chunks to `file` through a temporary file, and links (or copies) the result to `copy` as well. `file` is
 * replaced, never written over: the last copy may be another build's output.
 */
export function writeChunksKept(file: string, copy: string, chunks: Iterable<string | Buffer>): string {
  const tmp = `${file}.tmp-${process.pid}`;
  mkdirSync(path.dirname(file), { recursive: true });
  const sha = writeChunks(tmp, chunks);
  renameSync(tmp, file);
  rmSync(copy, { force: true });
  try {
    linkSync(file, copy);
  } catch {
    copyFileSync(file, copy);
  }
  return sha;
}

export function writeJson(file: string, data: unknown): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(data, null, 1) + "\n");
}

/** Moves a file: renamed when both places are on one file system (a copy of catalogue.json costs 0.3 s at 100,000 papers). */
export function moveFile(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EXDEV") throw e;
    copyFileSync(from, to);
    rmSync(from, { force: true });
  }
}

/**
 * Replaces `target` with the finished `staging` folder: the old output stays whole until the new one is complete. The
 * old output is then renamed aside and removed by a background process: at 100,000 papers it is 200,000 files, which
 * took minutes to unlink while the build's own writes were still being flushed, and the new site does not wait for it.
 */
export function swapIn(staging: string, target: string): void {
  const parent = path.dirname(target);
  const prefix = `.${path.basename(target)}.old-`;
  const old = path.join(parent, `${prefix}${process.pid}`);
  rmSync(old, { recursive: true, force: true });
  const hadTarget = existsSync(target);
  if (hadTarget) renameSync(target, old);
  try {
    renameSync(staging, target);
  } catch (e) {
    // Put the previous output back before reporting the failure.
    if (hadTarget) renameSync(old, target);
    throw e;
  }
  // Also what an earlier removal left if it was stopped.
  const leftovers = readdirSync(parent).filter((n) => n.startsWith(prefix)).map((n) => path.join(parent, n));
  if (leftovers.length) removeInBackground(leftovers);
}

/**
 * Moves the paper pages of `target` into the finished `staging` folder before it is swapped in, so an incremental build
 * touches only the pages it rendered: each page of `rendered` (slugs) replaces the old one in `target`'s papers folder,
 * the pages of `removed` go, and the folder, now the new build's, is moved into `staging`. Creating 100,000 page folders
 * for unchanged pages cost 10 s per rebuild, and removing the old ones slowed the file system for minutes.
 * Call only once the build has succeeded; a build stopped half-way through this leaves a mix of old and new pages, so
 * the caller drops its record of `target`'s pages first.
 */
export function transplantPages(staging: string, target: string, rendered: string[], removed: string[]): void {
  const from = path.join(staging, "papers");
  const to = path.join(target, "papers");
  const expected = new Set(rendered);
  const other = existsSync(from) ? readdirSync(from).filter((n) => !expected.has(n)) : [];
  if (other.length) throw new Error(`${from}: ${other.slice(0, 3).join(", ")} not paper pages of this build (only paper pages can be kept from the previous output)`);
  for (const slug of rendered) {
    const dir = path.join(to, slug);
    if (existsSync(dir)) renameSync(path.join(from, slug, "index.html"), path.join(dir, "index.html"));
    else renameSync(path.join(from, slug), dir);
  }
  for (const slug of removed) rmSync(path.join(to, slug), { recursive: true, force: true });
  rmSync(from, { recursive: true, force: true });
  renameSync(to, from);
}

/**
 * Creates in `staging` an empty `index.html` (and its folders) wherever `previous` has one under `dirs`, for the build
 * to write over. On this machine's file system creating a file and its folder cost about ten times writing over an
 * existing file, and a rebuild's index pages are mostly where the last build's were: made while the ingest runs, on a
 * core it leaves idle, the folders spare the index runs that cost. Files left empty are removed by pruneSkeleton.
 * Never writes over a file: one the build wrote first stays as written.
 */
export async function skeleton(previous: string, staging: string, dirs: string[]): Promise<number> {
  const files: string[] = [];
  for (const d of dirs) {
    const from = path.join(previous, d);
    if (!existsSync(from)) continue;
    for (const e of readdirSync(from, { recursive: true, withFileTypes: true })) {
      if (e.isFile() && e.name === "index.html") files.push(path.join(d, path.relative(from, e.parentPath), e.name));
    }
  }
  let next = 0;
  const one = async () => {
    while (next < files.length) {
      const to = path.join(staging, files[next++]);
      await mkdir(path.dirname(to), { recursive: true });
      await writeFile(to, "", { flag: "wx" }).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== "EEXIST") throw e;
      });
    }
  };
  await Promise.all(Array.from({ length: 4 }, one));
  return files.length;
}

/** Removes the files of a skeleton (see skeleton) the build left empty, and the folders that are then empty. */
export function pruneSkeleton(staging: string, dirs: string[]): number {
  let removed = 0;
  const prune = (dir: string): boolean => {
    let empty = true;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (prune(p)) rmdirSync(p);
        else empty = false;
      } else if (statSync(p).size === 0) {
        unlinkSync(p);
        removed++;
      } else empty = false;
    }
    return empty;
  };
  for (const d of dirs) if (existsSync(path.join(staging, d)) && prune(path.join(staging, d))) rmdirSync(path.join(staging, d));
  return removed;
}

/**
 * Sets aside for removal the staging folders (`<target>.staging-<pid>`) of builds that were stopped: their process is
 * gone. Returns how many.
 */
export function removeAbandonedStaging(target: string): number {
  const parent = path.dirname(target);
  if (!existsSync(parent)) return 0;
  const prefix = `${path.basename(target)}.staging-`;
  const abandoned = readdirSync(parent).filter((n) => {
    const pid = n.startsWith(prefix) && /^\d+$/.test(n.slice(prefix.length)) ? Number(n.slice(prefix.length)) : null;
    return pid !== null && pid !== process.pid && !running(pid);
  });
  const aside = abandoned.map((n) => {
    const to = path.join(parent, `.${path.basename(target)}.old-${n}`);
    renameSync(path.join(parent, n), to);
    return to;
  });
  if (aside.length) removeInBackground(aside);
  return aside.length;
}

/**
 * Removes the temporary files (`<name>.tmp-<pid>`) that stopped processes left in `dir` and its folders: the cache
 * writes each file through one, up to 165 MB for catalogue.json, and a build stopped mid-write left it for good.
 * Returns how many it removed.
 */
export function removeStoppedTemporaries(dir: string): number {
  if (!existsSync(dir)) return 0;
  let removed = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const m = /\.tmp-(\d+)$/.exec(e.name);
    if (!e.isFile() || !m || Number(m[1]) === process.pid || running(Number(m[1]))) continue;
    rmSync(path.join(e.parentPath, e.name), { force: true });
    removed++;
  }
  return removed;
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Removes folders from a detached process that outlives this one. */
function removeInBackground(dirs: string[]): void {
  const code = "for (const d of process.argv.slice(1)) require('node:fs').rmSync(d, { recursive: true, force: true, maxRetries: 3 })";
  spawn(process.execPath, ["-e", code, ...dirs], { detached: true, stdio: "ignore" }).unref();
}

/**
 * Reads `files` (those that exist, in this order) in a separate process and throws the bytes away, so that they are in
 * the page cache when the build wants them. This machine pages out file data nobody touched for about a minute, so a
 * rebuild found its caches on disk (about 700 MB at 100,000 papers), and read them while its processes waited; read
 * here at the start, they arrive while those processes load their code.
 */
export function prefetch(files: string[]): void {
  const code = "const fs=require('node:fs'),b=Buffer.allocUnsafe(1<<20);for(const f of process.argv.slice(1)){try{const d=fs.openSync(f,'r');while(fs.readSync(d,b,0,b.length,null)>0);fs.closeSync(d)}catch{}}";
  const existing = files.filter((f) => existsSync(f));
  if (existing.length) spawn(process.execPath, ["-e", code, ...existing], { stdio: "ignore" }).unref();
}

/** One generated paper page read back: its front matter and Markdown body. */
export interface PaperPage<T = Record<string, unknown>> {
  file: string;
  data: T;
  body: string;
}

/** Reads paper pages (all `.md` files in `dir`, or the named ones) in file-name order. */
export function readPages<T>(dir: string, files?: string[]): PaperPage<T>[] {
  const names = files ?? (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".md")).sort() : []);
  return names.map((file) => {
    const { data, content } = readFrontMatter(readFileSync(path.join(dir, file), "utf8"));
    return { file, data: data as T, body: content };
  });
}
