// Search index: Pagefind over the paper pages, in shards of at most SEARCH_SHARD pages, each its own bundle, two at a time.
//
// Why shards: one Pagefind run over 100,000 pages needs about 10 GB of memory and one core for minutes. Shards bound the
// memory per run, use both cores, and let a rebuild keep every shard whose indexed content did not change. Shards are
// consecutive runs of the pages in the order their papers first appear in the dumps, so a new dump's papers (which
// come last) change only the last shard. The browser merges the bundles (layouts/assets/search-bundles.js). A
// catalogue of up to SEARCH_SHARD papers has one bundle.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, linkSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { pageSlug, paperHtml } from "./render-cache.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Most paper pages in one search bundle (about 1.5 GB of memory for Pagefind at this size). */
export const SEARCH_SHARD = 15000;

/** Pagefind settings; with Pagefind's version they decide whether a previous shard can be kept. */
export const PAGEFIND_SETTINGS = {
  version: (JSON.parse(readFileSync(path.join(root, "node_modules/pagefind/package.json"), "utf8")) as { version: string }).version,
  forceLanguage: "en",
  excludeSelectors: ".katex",
};

const STAMP = "index-inputs.sha256";

/** Site-relative folder of bundle `i`: the first is Pagefind's usual `pagefind/`; the others sit beside it (mergeIndex skips paths inside the primary's). */
export const bundleDir = (i: number) => (i === 0 ? "pagefind" : `pagefind-${i}`);

/** The bundles of a catalogue of `papers` papers, as site paths (`/pagefind/`, `/pagefind-1/`, …). */
export function searchBundles(papers: number, shardSize = SEARCH_SHARD): string[] {
  return Array.from({ length: Math.max(1, Math.ceil(papers / shardSize)) }, (_, i) => `/${bundleDir(i)}/`);
}

/** The pages of each shard: consecutive runs of `order`, `size` pages each (the last one holds the rest). */
export function shardMembers(order: string[], size = SEARCH_SHARD): string[][] {
  return searchBundles(order.length, size).map((_, i) => order.slice(i * size, (i + 1) * size));
}

export interface SearchIndexPlan {
  /** Site being built (paper pages in papers/<slug>/index.html). */
  site: string;
  /** The site this build replaces (shards whose indexed content is unchanged are copied from it), if any. */
  previous?: string;
  /** Paper page file (`<slug>.md`) → hash of everything its HTML is made from. */
  pages: Map<string, string>;
  /** Where a paper page's HTML is (default: in `site`; an incremental build leaves unchanged pages in the previous output). */
  pagePath?: (file: string) => string;
  /** Folder of the shards' page trees, kept between builds (see linkShard); on the same file system as the pages, as they are hard links. */
  shardPages: string;
  /** Page files in the order their papers first appear in the dumps (default: file-name order). */
  order?: string[];
  /** Hash of the templates and build settings (the same page hash under other templates is other HTML). */
  templates: string;
  /** What the previous build found Pagefind indexes of each page, for pages whose hash is unchanged (see articleHash). */
  known?: Map<string, IndexedHash>;
  /** Most pages per bundle (tests use small shards). */
  shardSize?: number;
  workers?: number;
  onShardDone?: (done: number, total: number, papers: number) => void;
}

/** A page's hash and the hash of the part of its HTML Pagefind indexes (see articleHash). */
export interface IndexedHash {
  page: string;
  article: string;
}

export interface SearchIndexResult {
  shards: number;
  indexed: number;
  reused: number;
  pages: number;
  /** Every page's IndexedHash, for the next build's `known`. */
  articles: Map<string, IndexedHash>;
}

/**
 * Hash of what Pagefind reads of a paper page: the article marked data-pagefind-body, which holds every
 * data-pagefind-* attribute, less the list items it ignores (the key terms, which move with the whole catalogue's
 * word statistics). The rest of the page (related papers, citation) can change without touching the index.
 */
export function articleHash(html: string): string {
  const from = html.indexOf("<article");
  const to = html.indexOf("</article>", from);
  const article = from >= 0 && to >= 0 ? html.slice(from, to) : html;
  return createHash("sha256").update(article.replace(IGNORED_ITEMS, "")).digest("hex");
}

/** Definition-list terms and descriptions Pagefind ignores (they hold no nested dt or dd). */
const IGNORED_ITEMS = /<(dt|dd) data-pagefind-ignore>[\s\S]*?<\/\1>/g;

export async function buildSearchIndex(plan: SearchIndexPlan): Promise<SearchIndexResult> {
  const pagePath = plan.pagePath ?? ((file: string) => path.join(plan.site, paperHtml(file)));
  const articles = new Map<string, IndexedHash>();
  for (const [file, page] of plan.pages) {
    const known = plan.known?.get(file);
    const article = known?.page === page ? known.article : articleHash(readFileSync(pagePath(file), "utf8"));
    articles.set(file, { page, article });
  }
  const members = shardMembers(plan.order ?? [...plan.pages.keys()].sort(), plan.shardSize);
  const count = members.length;
  const keys = members.map((files) => {
    const h = createHash("sha256").update(JSON.stringify({ settings: PAGEFIND_SETTINGS, templates: plan.templates }) + "\n");
    for (const f of files) h.update(`${f}\t${articles.get(f)!.article}\n`);
    return h.digest("hex");
  });
  const todo: number[] = [];
  let reused = 0;
  for (let i = 0; i < count; i++) {
    const dest = path.join(plan.site, bundleDir(i));
    // Determinism: Pagefind writes some files in a different order each run (Pagefind issue #638), so a shard whose
    // indexed content is unchanged keeps the previous bundle rather than being rebuilt.
    const prev = plan.previous && path.join(plan.previous, bundleDir(i));
    if (prev && readStamp(prev) === keys[i]) {
      linkTree(prev, dest);
      reused++;
    } else todo.push(i);
  }
  // Trees of shards this catalogue no longer has.
  const trees = plan.shardPages;
  if (existsSync(trees)) for (const name of readdirSync(trees)) if (!/^shard-\d+$/.test(name) || Number(name.slice(6)) >= count) rmSync(path.join(trees, name), { recursive: true, force: true });
  let next = 0;
  let done = reused;
  let failure: unknown = null;
  const workers = Math.max(1, Math.min(plan.workers ?? os.availableParallelism(), todo.length));
  await Promise.allSettled(
    Array.from({ length: workers }, async () => {
      while (next < todo.length && failure === null) {
        const i = todo[next++];
        try {
          await indexShard(plan.site, i, path.join(plan.shardPages, `shard-${i}`), members[i], pagePath);
          writeFileSync(path.join(plan.site, bundleDir(i), STAMP), keys[i] + "\n");
        } catch (e) {
          failure ??= e;
          return;
        }
        plan.onShardDone?.(++done, count, members[i].length);
      }
    }),
  );
  if (failure !== null) throw failure;
  return { shards: count, indexed: todo.length, reused, pages: plan.pages.size, articles };
}

function readStamp(bundle: string): string | null {
  try {
    return readFileSync(path.join(bundle, STAMP), "utf8").trim();
  } catch {
    return null;
  }
}

/** Hard-links every file of `from` into `to` (same file system: the staging folder sits beside the output). */
function linkTree(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const e of readdirSync(from, { withFileTypes: true })) {
    if (e.isDirectory()) linkTree(path.join(from, e.name), path.join(to, e.name));
    else linkSync(path.join(from, e.name), path.join(to, e.name));
  }
}

/**
 * Makes `dir` a tree of the shard's pages as Pagefind reads them (papers/<slug>/index.html, hard links to the pages),
 * changing only what differs from the tree an earlier build left there. Why keep the trees: on ext4 without a journal
 * a freed inode is skipped for minutes when new files are created, so removing 15,000 page folders after each shard
 * made every later shard's folders and Pagefind's own output files slow to create (Pagefind at 10,000 pages: 13 s after
 * a quiet spell, 18 s right after such a removal).
 */
function linkShard(dir: string, files: string[], pagePath: (file: string) => string): void {
  const papers = path.join(dir, "papers");
  mkdirSync(papers, { recursive: true });
  const wanted = new Map(files.map((f) => [pageSlug(f), f]));
  for (const slug of readdirSync(papers)) if (!wanted.has(slug)) rmSync(path.join(papers, slug), { recursive: true, force: true });
  for (const [slug, file] of wanted) {
    const from = pagePath(file);
    const to = path.join(papers, slug, "index.html");
    const there = statSync(to, { throwIfNoEntry: false });
    const page = there && statSync(from);
    if (there && page && there.ino === page.ino && there.dev === page.dev) continue;
    if (there) unlinkSync(to);
    else mkdirSync(path.dirname(to), { recursive: true });
    linkSync(from, to);
  }
}

/** One Pagefind run (its own process) over the shard's pages, as a tree of their own in `shardSite`. */
async function indexShard(site: string, i: number, shardSite: string, files: string[], pagePath: (file: string) => string): Promise<void> {
  linkShard(shardSite, files, pagePath);
  const out = path.join(site, bundleDir(i));
  rmSync(out, { recursive: true, force: true });
  const args = ["--site", shardSite, "--output-path", out, "--force-language", PAGEFIND_SETTINGS.forceLanguage, "--exclude-selectors", PAGEFIND_SETTINGS.excludeSelectors, "--quiet"];
  await run(process.execPath, [path.join(root, "node_modules/pagefind/lib/runner/bin.cjs"), ...args]);
  if (!existsSync(path.join(out, "pagefind-entry.json"))) throw new Error(`Pagefind wrote no index for search shard ${i}`);
}

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
    let log = "";
    child.stdout.on("data", (d: Buffer) => (log += d.toString()));
    child.stderr.on("data", (d: Buffer) => (log += d.toString()));
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`Pagefind failed (exit ${code}):\n${log.trim().split("\n").slice(-15).join("\n")}`))));
  });
}
