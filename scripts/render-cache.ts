// Incremental rendering: a content-hash cache of the last build, so unchanged paper pages are reused, not rendered again.
import { createHash, hash } from "node:crypto";
import { existsSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { writeIfChanged } from "./io.ts";

export interface RenderCache {
  /** Hash of everything that shapes every page: templates, layouts, assets, rendering code, settings. */
  version: string;
  /** Paper page file → hash of its text, as rendered into the output. */
  pages: Record<string, string>;
  /** Paper page file → [page hash, hash of what Pagefind indexes of it] (see search-index.ts). */
  search?: Record<string, [string, string]>;
  /**
   * Paper page file → [size, SHA-256] of its HTML as this build left it in the output: a rebuild reuses a page only
   * while the output still holds exactly that (see lastRender).
   */
  output?: Record<string, OutputRecord>;
}

/**
 * Size in bytes and SHA-256 (base64url) of a page's HTML, and its file's stamp when that was taken (inode, modification
 * and change times in nanoseconds): every write, truncation or replacement of the file changes its change time, which
 * no tool sets back, so a page whose stamp is unchanged holds what was hashed, and only the others are read and hashed.
 */
export type OutputRecord = [number, string, string?];

/** A file's stamp (see OutputRecord); null when it is missing. */
async function stampOf(file: string): Promise<{ size: number; stamp: string } | null> {
  const st = await stat(file, { bigint: true }).catch(() => null);
  return st && st.isFile() ? { size: Number(st.size), stamp: `${st.ino}:${st.mtimeNs}:${st.ctimeNs}` } : null;
}

/** Hash of the files under the given folders and files (sorted, by content; less those under `skip`) plus settings. */
export function templateVersion(paths: string[], settings: unknown, skip: string[] = []): string {
  const h = createHash("sha256").update(JSON.stringify(settings));
  const files: string[] = [];
  const skipped = (f: string) => skip.some((s) => f === s || f.startsWith(s + path.sep));
  for (const p of paths) {
    if (!existsSync(p)) continue;
    if (path.extname(p)) files.push(p);
    else for (const e of readdirSync(p, { withFileTypes: true, recursive: true })) if (e.isFile() && !e.name.endsWith(".md")) files.push(path.join(e.parentPath, e.name));
  }
  for (const f of files.filter((f) => !skipped(f)).sort()) h.update(f).update(readFileSync(f));
  return h.digest("hex").slice(0, 20);
}

export function readCache(file: string): RenderCache | null {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as RenderCache;
  } catch {
    return null;
  }
}

/** Forgets the previous output's pages (before they are changed in place: see transplantPages). */
export function dropCache(file: string): void {
  rmSync(file, { force: true });
}

export function writeCache(file: string, cache: RenderCache): void {
  writeIfChanged(file, JSON.stringify(cache) + "\n");
}

/** The last build's render cache and which of its pages the output still holds intact: read while the ingest runs (see build.ts). */
export interface LastRender {
  previous: RenderCache | null;
  /** Page files whose HTML in the previous output is as that build wrote it (null when none can be reused). */
  intact: Set<string> | null;
}

/**
 * What reuseUnchanged compares with: the cache of the last build into `prevOut`, when its templates are `version`, and
 * the pages of that output that are still as it wrote them (size and stamp, else size and hash): a page emptied, edited
 * or deleted since is rendered again.
 */
export async function lastRender(cacheFile: string, version: string, prevOut: string): Promise<LastRender> {
  const previous = readCache(cacheFile);
  if (!previous?.output || previous.version !== version || !existsSync(path.join(prevOut, "papers"))) return { previous, intact: null };
  const records = Object.entries(previous.output);
  const intact = new Set<string>();
  await eachLimited(records, async ([file, [size, sha, stamp]]) => {
    const html = path.join(prevOut, paperHtml(file));
    const now = await stampOf(html);
    if (!now || now.size !== size) return;
    if (stamp !== undefined && now.stamp === stamp) return void intact.add(file);
    const bytes = await readFile(html).catch(() => null);
    if (bytes !== null && bytes.length === size && hash("sha256", bytes, "base64url") === sha) intact.add(file);
  });
  return { previous, intact };
}

/** The OutputRecord of each page file's HTML under `site`. */
export async function outputRecords(site: string, files: string[]): Promise<Map<string, OutputRecord>> {
  const records = new Map<string, OutputRecord>();
  await eachLimited(files, async (file) => {
    const html = path.join(site, paperHtml(file));
    const bytes = await readFile(html);
    const now = await stampOf(html);
    records.set(file, now && now.size === bytes.length ? [bytes.length, hash("sha256", bytes, "base64url"), now.stamp] : [bytes.length, hash("sha256", bytes, "base64url")]);
  });
  return records;
}

/** Runs `fn` on every item, a few reads at a time (the event loop stays free for the build's other processes). */
async function eachLimited<T>(items: T[], fn: (item: T) => Promise<void>, limit = 8): Promise<void> {
  let next = 0;
  const one = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: limit }, one));
}

/**
 * Plans a build against the previous output: pages whose text and templates are unchanged stay where they are in the
 * previous output (build.ts moves them into the new one, io.ts transplantPages); the rest must be rendered.
 */
export function reuseUnchanged(last: LastRender, current: RenderCache): { render: string[]; kept: Set<string> } {
  const all = Object.keys(current.pages);
  const kept = new Set<string>();
  const { previous, intact } = last;
  if (!previous || previous.version !== current.version || !intact) return { render: all, kept };
  const render: string[] = [];
  for (const file of all) {
    if (previous.pages[file] === current.pages[file] && intact.has(file)) kept.add(file);
    else render.push(file);
  }
  return { render, kept };
}

/** The slug of a paper page file (`<slug>.md`): its folder under `papers/` in the site. */
export const pageSlug = (file: string) => file.replace(/\.md$/, "");

/** Site-relative path of a paper page file's HTML (`<slug>.md` → `papers/<slug>/index.html`). */
export const paperHtml = (file: string) => path.join("papers", pageSlug(file), "index.html");
