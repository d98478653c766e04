// The ingest's cache between builds (node_modules/.cache/paper-catalogue/ingest/<dumps folder>/): results of pure
// per-item work (clean text, topics) by content key, a record of the page files the last ingest wrote, and the related
// stage's last neighbour lists (a slot; stages/related/carry-over.ts checks what they were computed from before use).
//
// Why it can never leak a wrong result: a table holds the results of one pure function, each under a key that hashes
// everything the result depends on; the table's folder is named after a hash of the code and data that compute it
// (see `codeVersion`), so changed code or taxonomy starts an empty table. Every file carries a SHA-256 of its bytes and
// is written to a temporary name, then renamed: a damaged, truncated or unreadable file is ignored and deleted, and
// its results are computed again.
//
// Tables grow by segments: a build appends one file with its new results, so adding a dump writes only that dump's
// share; when a quarter of the entries went unused (dumps removed or changed) or segments pile up, the table is
// rewritten with only what this build used.
import { createHash, hash } from "node:crypto";
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import v8 from "node:v8";
import { removeStoppedTemporaries } from "./io.ts";

/** Known results of a pure function, by key. */
export interface Memo<V> {
  /** The result for `key`, which this build uses (kept when the table is next rewritten). */
  get(key: string): V | undefined;
  set(key: string, value: V): void;
  /** Every known result, not marked as used: for finding results by what they hold. */
  entries(): IterableIterator<[string, V]>;
}

/** One value kept between builds, replaced by each build that sets it. */
export interface Slot<V> {
  get(): V | undefined;
  set(value: V): void;
}

/** Beyond this many segments a table is rewritten as one. */
const MAX_SEGMENTS = 8;
const CHECKSUM_BYTES = 32;

/** A hash of files and folders (every file under them, sorted, by content) and of the Node, V8 and ICU versions. */
export function codeVersion(paths: string[]): string {
  const h = createHash("sha256").update(JSON.stringify(process.versions));
  const files: string[] = [];
  for (const p of paths) {
    if (!existsSync(p)) continue;
    if (statSync(p).isFile()) files.push(p);
    else for (const e of readdirSync(p, { withFileTypes: true, recursive: true })) if (e.isFile()) files.push(path.join(e.parentPath, e.name));
  }
  for (const f of files.sort()) h.update(f).update("\0").update(readFileSync(f)).update("\0");
  return h.digest("hex").slice(0, 16);
}

/** Writes `value` (v8-serialised) behind its SHA-256, through a temporary file. */
function writeChecked(file: string, value: unknown): void {
  const payload = v8.serialize(value);
  const tmp = `${file}.tmp-${process.pid}`;
  // Two writes rather than one of a joined copy: the catalogue snapshot is hundreds of MB at 100,000 papers.
  writeFileSync(tmp, createHash("sha256").update(payload).digest());
  appendFileSync(tmp, payload);
  renameSync(tmp, file);
}

/** The value `writeChecked` wrote, or undefined when the file is missing, damaged or unreadable. */
function readChecked(file: string): unknown {
  try {
    const bytes = readFileSync(file);
    const payload = bytes.subarray(CHECKSUM_BYTES);
    if (bytes.length < CHECKSUM_BYTES || !createHash("sha256").update(payload).digest().equals(bytes.subarray(0, CHECKSUM_BYTES))) return undefined;
    return v8.deserialize(payload);
  } catch {
    return undefined;
  }
}

class Table<V> implements Memo<V> {
  private readonly known = new Map<string, V>();
  private readonly used = new Set<string>();
  private readonly fresh = new Map<string, V>();
  private readonly segments: string[] = [];
  /** A segment failed its checksum or could not be read: rewrite the table. */
  private damaged = false;
  /** Segments are read on first look-up: a build that only adds results (see `set`) never reads them. */
  private loaded = false;

  constructor(private readonly dir: string) {
    if (!existsSync(dir)) return;
    // Other names are temporary files of a build still writing, or one that stopped (removed with the table's folder).
    for (const name of readdirSync(dir).sort()) if (name.endsWith(".seg")) this.segments.push(path.join(dir, name));
  }

  private load(): void {
    if (this.loaded) return;
    this.loaded = true;
    for (const file of this.segments) {
      const data = readChecked(file);
      if (!(data instanceof Map)) this.damaged = true;
      else for (const [k, v] of data as Map<string, V>) this.known.set(k, v);
    }
    for (const [k, v] of this.fresh) this.known.set(k, v);
  }

  get(key: string): V | undefined {
    this.load();
    const v = this.known.get(key);
    if (v !== undefined) this.used.add(key);
    return v;
  }

  set(key: string, value: V): void {
    if (this.known.has(key) || this.fresh.has(key)) return;
    this.known.set(key, value);
    this.fresh.set(key, value);
    this.used.add(key);
  }

  entries(): IterableIterator<[string, V]> {
    this.load();
    return this.known.entries();
  }

  save(): void {
    mkdirSync(this.dir, { recursive: true });
    // Segment names sort in writing order; pid and a counter keep two concurrent builds from overwriting each other's.
    const name = () => path.join(this.dir, `${Date.now().toString().padStart(15, "0")}-${process.pid}-${segmentCount++}.seg`);
    let rewrite = this.segments.length >= MAX_SEGMENTS;
    if (!this.loaded) {
      // Nothing was looked up, so nothing is known to be unused: the new results are added, and too many segments are
      // joined into one that keeps every result.
      if (!this.fresh.size) return;
      if (this.segments.length + 1 < MAX_SEGMENTS) return void writeChecked(name(), this.fresh);
      this.load();
      for (const k of this.known.keys()) this.used.add(k);
      rewrite = true;
    }
    const unused = this.known.size - this.used.size;
    if (rewrite || this.damaged || unused > this.known.size / 4) {
      const live = new Map([...this.known].filter(([k]) => this.used.has(k)));
      if (live.size) writeChecked(name(), live);
      for (const f of this.segments) rmSync(f, { force: true });
    } else if (this.fresh.size) writeChecked(name(), this.fresh);
  }
}

let segmentCount = 0;

export class IngestCache {
  private readonly tables = new Map<string, Table<unknown>>();

  /** `dir`: this dumps folder's cache; `versions`: table name → hash of the code and data its results depend on. */
  constructor(
    readonly dir: string,
    private readonly versions: Record<string, string>,
  ) {}

  /** The table `name`, read from disk on first use. */
  table<V>(name: string): Memo<V> {
    let t = this.tables.get(name);
    if (!t) {
      if (!(name in this.versions)) throw new Error(`ingest cache: no version for table "${name}"`);
      this.tables.set(name, (t = new Table(path.join(this.dir, `${name}-${this.versions[name]}`))));
    }
    return t as Table<V>;
  }

  private readonly slots = new Map<string, { file: string; value?: unknown }>();

  /** The slot `name` (one file, named after its version like a table; read from disk on first use). */
  slot<V>(name: string): Slot<V> {
    if (!(name in this.versions)) throw new Error(`ingest cache: no version for slot "${name}"`);
    const file = path.join(this.dir, `${name}-${this.versions[name]}`);
    return {
      get: () => readChecked(file) as V | undefined,
      set: (value) => void this.slots.set(name, { file, value }),
    };
  }

  /** The path of a plain file kept in the cache under `name`, named after its version like a table (its reader checks it). */
  file(name: string): string {
    if (!(name in this.versions)) throw new Error(`ingest cache: no version for file "${name}"`);
    return path.join(this.dir, `${name}-${this.versions[name]}`);
  }

  /** Page records of the last ingest into `papersDir` (see io.ts syncPages). */
  pageRecords(papersDir: string): Map<string, PageRecord> {
    const data = readChecked(path.join(this.dir, "pages.bin")) as StoredRecords | undefined;
    const records = new Map<string, PageRecord>();
    if (data?.papersDir !== papersDir || typeof data.names !== "string" || typeof data.hashes !== "string" || !(data.sizes instanceof Float64Array) || !(data.mtimes instanceof Float64Array)) return records;
    const names = data.names.split("\n"), hashes = data.hashes.split("\n");
    if (names.length !== data.sizes.length || hashes.length !== names.length || data.mtimes.length !== names.length) return records;
    names.forEach((name, i) => records.set(name, { hash: hashes[i], size: data.sizes[i], mtimeMs: data.mtimes[i] }));
    return records;
  }

  /**
   * Saves what the tables learnt and the page records, noting the dumps folder the cache belongs to. Removes tables of
   * other code versions, temporary files that stopped builds left, and the caches of dumps folders that no longer exist
   * (temporary ones of tests and benchmarks).
   */
  save(dumps: string, papersDir: string, records: Map<string, PageRecord>): void {
    mkdirSync(this.dir, { recursive: true });
    writeFileSync(path.join(this.dir, OWNER), path.resolve(dumps));
    for (const t of this.tables.values()) t.save();
    for (const { file, value } of this.slots.values()) writeChecked(file, value);
    const list = [...records];
    const stored: StoredRecords = {
      papersDir,
      names: list.map(([name]) => name).join("\n"),
      hashes: list.map(([, r]) => r.hash).join("\n"),
      sizes: Float64Array.from(list, ([, r]) => r.size),
      mtimes: Float64Array.from(list, ([, r]) => r.mtimeMs),
    };
    writeChecked(path.join(this.dir, "pages.bin"), stored);
    removeStoppedTemporaries(this.dir);
    for (const name of readdirSync(this.dir)) {
      const m = /^(.+)-([0-9a-f]{16})$/.exec(name);
      if (m && this.versions[m[1]] !== undefined && this.versions[m[1]] !== m[2]) rmSync(path.join(this.dir, name), { recursive: true, force: true });
    }
    const all = path.dirname(this.dir);
    for (const name of readdirSync(all)) {
      const owner = path.join(all, name, OWNER);
      if (existsSync(owner) && !existsSync(readFileSync(owner, "utf8"))) rmSync(path.join(all, name), { recursive: true, force: true });
    }
  }
}

const OWNER = "dumps-folder.txt";

/** What the ingest last wrote to one page file: its text's hash, and the size and modification time it left on disk. */
export interface PageRecord {
  hash: string;
  size: number;
  mtimeMs: number;
}

/** Page records as stored: a few strings and arrays deserialise many times faster than 100,000 small objects. */
interface StoredRecords {
  papersDir: string;
  names: string;
  hashes: string;
  sizes: Float64Array;
  mtimes: Float64Array;
}

/**
 * The cache files of `dir` that a build extending its snapshot reads, in the order it reads them (see io.ts prefetch):
 * the snapshot's inputs and the snapshot, then the related stage's tokens and lists, the page records, and the last
 * catalogue.json (stages/write.ts spliceCatalogueJson) and cards (cards-file.ts). The clean-text and topic tables are left out: such a build
 * only adds to them.
 */
export function extendingReads(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const names = readdirSync(dir);
  const files = (prefix: string) => names.filter((n) => n.startsWith(prefix)).map((n) => path.join(dir, n));
  const segments = (prefix: string) => files(prefix).flatMap((d) => (statSync(d).isDirectory() ? readdirSync(d).sort().map((n) => path.join(d, n)) : []));
  const snapshot = files("catalogue-").filter((f) => !/^catalogue-(inputs|json)-/.test(path.basename(f)));
  return [...files("catalogue-inputs-"), ...snapshot, ...segments("tokens-"), ...files("neighbours-"), path.join(dir, "pages.bin"), ...segments("pages-"), ...files("catalogue-json-"), ...files("cards-")];
}

/** The default cache folder of a dumps folder's ingest (see IngestOptions.cache in ingest.ts). */
export function ingestCacheDir(dumps: string): string {
  return cacheDir(path.join(path.resolve(path.dirname(fileURLToPath(import.meta.url)), ".."), "node_modules/.cache/paper-catalogue/ingest"), dumps);
}

/** The cache folder of a dumps folder, under `root` (one per dumps folder, like the generated pages). */
export function cacheDir(root: string, dumps: string): string {
  return path.join(root, hash("sha256", path.resolve(dumps), "hex").slice(0, 16));
}
