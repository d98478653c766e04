// Incremental rendering: a content-hash cache of the last build, so unchanged paper pages are reused, not rendered again.
import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync, rmSync } from "node:fs";
import path from "node:path";
import { writeIfChanged } from "./io.ts";

export interface RenderCache {
  /** Hash of everything that shapes every page: templates, layouts, assets, rendering code, settings. */
  version: string;
  /** Paper page file → hash of its text, as rendered into the output. */
  pages: Record<string, string>;
  /** Paper page file → [page hash, hash of what Pagefind indexes of it] (see search-index.ts). */
  search?: Record<string, [string, string]>;
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

/** The last build's render cache and the page folders its output holds: read while the ingest runs (see build.ts). */
export interface LastRender {
  previous: RenderCache | null;
  /** The previous output's page folders, listed once (a check per page cost about 1 s at 100,000 pages); null when it has none. */
  present: Set<string> | null;
}

/** What reuseUnchanged compares with: the cache of the last build into `prevOut`, when its templates are `version`. */
export function lastRender(cacheFile: string, version: string, prevOut: string): LastRender {
  const previous = readCache(cacheFile);
  const papers = path.join(prevOut, "papers");
  if (!previous || previous.version !== version || !existsSync(papers)) return { previous, present: null };
  return { previous, present: new Set(readdirSync(papers)) };
}

/**
 * Plans a build against the previous output: pages whose text and templates are unchanged stay where they are in the
 * previous output (build.ts moves them into the new one, io.ts transplantPages); the rest must be rendered.
 */
export function reuseUnchanged(last: LastRender, current: RenderCache): { render: string[]; kept: Set<string> } {
  const all = Object.keys(current.pages);
  const kept = new Set<string>();
  const { previous, present } = last;
  if (!previous || previous.version !== current.version || !present) return { render: all, kept };
  const render: string[] = [];
  for (const file of all) {
    if (previous.pages[file] === current.pages[file] && present.has(pageSlug(file))) kept.add(file);
    else render.push(file);
  }
  return { render, kept };
}

/** The slug of a paper page file (`<slug>.md`): its folder under `papers/` in the site. */
export const pageSlug = (file: string) => file.replace(/\.md$/, "");

/** Site-relative path of a paper page file's HTML (`<slug>.md` → `papers/<slug>/index.html`). */
export const paperHtml = (file: string) => path.join("papers", pageSlug(file), "index.html");
