// Search index: Pagefind over the paper pages, in shards of at most SEARCH_SHARD pages, each its own bundle, two at a time.
//
// Why shards: one Pagefind run over 100,000 pages needs about 10 GB of memory and one core for minutes. Shards bound the
// memory per run, use both cores, and let a rebuild keep every shard whose indexed content did not change. Shards are
// consecutive runs of the pages in the order their papers first appear in the dumps, so a new dump's papers (which
// come last) change only the last shard. The browser merges the bundles (layouts/assets/search-bundles.js). A
// catalogue of up to SEARCH_SHARD papers has one bundle.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, linkSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { pageSlug, paperHtml } from "./render-cache.ts";
import { MARKER } from "./output-marker.ts";
import { writeDiskFiles } from "./search-disk.ts";

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
  /** Folder of the shards' trees of search documents, kept between builds (see writeShardTree). */
  shardPages: string;
  /** Page files in the order their papers first appear in the dumps (default: file-name order). */
  order?: string[];
  /** Hash of the templates and build settings (the same page hash under other templates is other HTML). */
  templates: string;
  /** What the previous build found Pagefind indexes of each page, for pages whose hash is unchanged (see searchDocument). */
  known?: Map<string, IndexedHash>;
  /** Most pages per bundle (tests use small shards). */
  shardSize?: number;
  /** Write the files that let the search run from disk (scripts/search-disk.ts); default true. */
  diskSearch?: boolean;
  workers?: number;
  onShardDone?: (done: number, total: number, papers: number) => void;
}

/** A page's hash and the hash of its search document (see searchDocument). */
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
 * What Pagefind reads of a paper page: the article marked data-pagefind-body (it holds every data-pagefind-* attribute),
 * less the elements it ignores and that hold no such attribute (the title and abstract typeset with KaTeX, whose text
 * a hidden plain copy carries; the key terms, which move with the whole catalogue's word statistics), inside the page's
 * <html> tag. Pagefind indexes this document exactly as it indexes the page (the same fragments, filters and sort
 * values), and at 10,000 pages it indexes these documents with a quarter less CPU time than the whole pages.
 */
export function searchDocument(html: string): string {
  const from = html.indexOf("<article");
  const to = html.indexOf("</article>", from);
  if (from < 0 || to < 0) return html;
  const open = /<html\b[^>]*>/.exec(html)?.[0] ?? "<html>";
  const article = html.slice(from, to + "</article>".length).replace(IGNORED, (block) => (block.indexOf("data-pagefind-", block.indexOf(">")) >= 0 ? block : ""));
  return `<!DOCTYPE html>\n${open}<head><meta charset="utf-8"></head><body>\n${article}\n</body></html>\n`;
}

/** Elements of the paper layout that Pagefind ignores (none of them nests an element of its own kind). */
const IGNORED = /<(h1|section|dt|dd)\b[^>]*\sdata-pagefind-ignore>[\s\S]*?<\/\1>/g;

/** Hash of a search document: pages with the same one give the same index. */
const docHash = (doc: string) => createHash("sha256").update(doc).digest("hex");

export async function buildSearchIndex(plan: SearchIndexPlan): Promise<SearchIndexResult> {
  const pagePath = plan.pagePath ?? ((file: string) => path.join(plan.site, paperHtml(file)));
  const members = shardMembers(plan.order ?? [...plan.pages.keys()].sort(), plan.shardSize);
  const count = members.length;
  const diskSearch = plan.diskSearch ?? true;
  const settings = JSON.stringify({ settings: PAGEFIND_SETTINGS, templates: plan.templates, diskSearch }) + "\n";
  const articles = new Map<string, IndexedHash>();
  // Trees of shards this catalogue no longer has.
  const trees = plan.shardPages;
  if (existsSync(trees)) for (const name of readdirSync(trees)) if (name !== MARKER && (!/^shard-\d+$/.test(name) || Number(name.slice(6)) >= count)) rmSync(path.join(trees, name), { recursive: true, force: true });
  let next = 0;
  let done = 0;
  let reused = 0;
  let failure: unknown = null;
  // Shards in turn, two at a time: this thread reads and hashes one shard's pages while Pagefind indexes another.
  const workers = Math.max(1, Math.min(plan.workers ?? os.availableParallelism(), count));
  await Promise.allSettled(
    Array.from({ length: workers }, async () => {
      while (next < count && failure === null) {
        const i = next++;
        try {
          // Search documents made while hashing (pages whose hash is unchanged are not read).
          const docs = new Map<string, string>();
          const key = createHash("sha256").update(settings);
          for (const file of members[i]) {
            const page = plan.pages.get(file)!;
            const known = plan.known?.get(file);
            let article = known?.page === page ? known.article : undefined;
            if (article === undefined) {
              const doc = searchDocument(readFileSync(pagePath(file), "utf8"));
              docs.set(file, doc);
              article = docHash(doc);
            }
            articles.set(file, { page, article });
            key.update(`${file}\t${article}\n`);
          }
          const stamp = key.digest("hex");
          // Determinism: Pagefind writes some files in a different order each run (Pagefind issue #638), so a shard
          // whose indexed content is unchanged keeps the previous bundle rather than being rebuilt.
          const prev = plan.previous && path.join(plan.previous, bundleDir(i));
          if (prev && readStamp(prev) === stamp) {
            linkTree(prev, path.join(plan.site, bundleDir(i)));
            reused++;
          } else {
            const document = (file: string) => docs.get(file) ?? { article: articles.get(file)!.article, read: () => searchDocument(readFileSync(pagePath(file), "utf8")) };
            await indexShard(plan.site, i, path.join(trees, `shard-${i}`), members[i], document);
            writeDiskFiles(path.join(plan.site, bundleDir(i)), bundleDir(i), diskSearch);
            writeFileSync(path.join(plan.site, bundleDir(i), STAMP), stamp + "\n");
          }
        } catch (e) {
          failure ??= e;
          return;
        }
        plan.onShardDone?.(++done, count, members[i].length);
      }
    }),
  );
  if (failure !== null) throw failure;
  return { shards: count, indexed: count - reused, reused, pages: plan.pages.size, articles };
}

function readStamp(bundle: string): string | null {
  return readText(path.join(bundle, STAMP))?.trim() ?? null;
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
 * Makes `dir` a tree of the shard's search documents (papers/<slug>/index.html, so Pagefind's URLs are the pages'),
 * writing only the documents that differ from the tree an earlier build left there. Why keep the trees: on ext4 without
 * a journal a freed inode is skipped for minutes when new files are created, so removing 15,000 page folders after each
 * shard made every later shard's folders and Pagefind's own output files slow to create (Pagefind at 10,000 pages:
 * 13 s after a quiet spell, 18 s right after such a removal).
 */
function writeShardTree(dir: string, files: string[], document: (file: string) => string | KnownDocument): void {
  const papers = path.join(dir, "papers");
  mkdirSync(papers, { recursive: true });
  const wanted = new Map(files.map((f) => [pageSlug(f), f]));
  for (const slug of readdirSync(papers)) if (!wanted.has(slug)) rmSync(path.join(papers, slug), { recursive: true, force: true });
  for (const [slug, file] of wanted) {
    const to = path.join(papers, slug, "index.html");
    const there = readText(to);
    const want = document(file);
    if (typeof want === "string" ? there === want : there !== null && docHash(there) === want.article) continue;
    if (there === null) mkdirSync(path.dirname(to), { recursive: true });
    writeFileSync(to, typeof want === "string" ? want : want.read());
  }
}

/** A page not read by this build (its hash is unchanged): the hash of its search document, and how to make it. */
interface KnownDocument {
  article: string;
  read: () => string;
}

function readText(file: string): string | null {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return null;
  }
}

/** One Pagefind run (its own process) over the shard's search documents, as a tree of their own in `shardSite`. */
async function indexShard(site: string, i: number, shardSite: string, files: string[], document: (file: string) => string | KnownDocument): Promise<void> {
  writeShardTree(shardSite, files, document);
  const out = path.join(site, bundleDir(i));
  rmSync(out, { recursive: true, force: true });
  await pagefind(shardSite, out);
  if (!existsSync(path.join(out, "pagefind-entry.json"))) throw new Error(`Pagefind wrote no index for search shard ${i}`);
}

/** Pagefind's CLI (its own process) over the site `site`, with the build's settings, writing its bundle to `out`. */
export function pagefind(site: string, out: string): Promise<void> {
  const args = ["--site", site, "--output-path", out, "--force-language", PAGEFIND_SETTINGS.forceLanguage, "--exclude-selectors", PAGEFIND_SETTINGS.excludeSelectors, "--quiet"];
  return run(process.execPath, [path.join(root, "node_modules/pagefind/lib/runner/bin.cjs"), ...args]);
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
