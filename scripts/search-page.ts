// Finishes /search/index.html once Pagefind has written its (primary) bundle: the names of the index files every search
// needs (known only then), which assets/search.js starts loading at once, and the chunk tables that let it fetch a
// query's index chunk before Pagefind asks for it.
import path from "node:path";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";

interface IndexTables {
  /** Index chunks as [first word, last word, hash], in Pagefind's order. */
  chunks: [string, string, string][];
  /** Filter name → hash of its filter chunk. */
  filters: Record<string, string>;
}

/** Above this many chunks the table would weigh more than the round trip it saves. */
const MAX_CHUNKS = 500;

interface Entry {
  languages: Record<string, { hash: string; wasm?: string; page_count: number }>;
}

/** The language index Pagefind's client picks for a page in `lang` (PagefindInstance.findIndex). */
function pickIndex(entry: Entry, lang: string) {
  const l = entry.languages;
  return l[lang] ?? l[lang.split("-")[0]] ?? Object.values(l).sort((a, b) => b.page_count - a.page_count)[0];
}

/** The parts of a decompressed pf_meta file (CBOR, layout in Pagefind's pagefind_web/src/metadata.rs) search.js needs. */
function readMeta(bytes: Uint8Array): IndexTables {
  let at = 0;
  const head = (major: number): number => {
    const b = bytes[at++];
    if (b >> 5 !== major) throw new Error(`pf_meta: expected CBOR major type ${major} at byte ${at - 1}`);
    const info = b & 31;
    if (info < 24) return info;
    const size = [1, 2, 4, 8][info - 24];
    if (size === undefined) throw new Error(`pf_meta: unsupported CBOR length at byte ${at - 1}`);
    let n = 0;
    for (let i = 0; i < size; i++) n = n * 256 + bytes[at++];
    return n;
  };
  const text = (): string => {
    const n = head(3);
    at += n;
    return Buffer.from(bytes.subarray(at - n, at)).toString("utf8");
  };
  head(4);
  text(); // generator version
  for (let pages = head(4); pages > 0; pages--) {
    head(4);
    text();
    head(0);
  }
  const chunks: [string, string, string][] = [];
  for (let n = head(4); n > 0; n--) {
    head(4);
    chunks.push([text(), text(), text()]);
  }
  const filters: Record<string, string> = {};
  for (let n = head(4); n > 0; n--) {
    head(4);
    filters[text()] = text();
  }
  return { chunks, filters };
}

const escapeAttr = (s: string) => s.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** True when every extra bundle (`pagefind-1/`, …) has exactly the primary bundle's WebAssembly files. */
function sameWasm(siteDir: string): boolean {
  const wasm = (dir: string) => readdirSync(dir).filter((f) => /^wasm\.[\w-]+\.pagefind$/.test(f)).sort();
  const primary = path.join(siteDir, "pagefind");
  const files = wasm(primary);
  return readdirSync(siteDir)
    .filter((d) => /^pagefind-\d+$/.test(d))
    .every((d) => {
      const other = path.join(siteDir, d);
      const theirs = wasm(other);
      return theirs.length === files.length && theirs.every((f, i) => f === files[i] && readFileSync(path.join(other, f)).equals(readFileSync(path.join(primary, f))));
    });
}

/** Rewrites `<siteDir>/search/index.html` for the index in `<siteDir>/pagefind/`; running it again gives the same page. */
export async function finishSearchPage(siteDir: string): Promise<void> {
  const pageFile = path.join(siteDir, "search/index.html");
  const entryFile = path.join(siteDir, "pagefind/pagefind-entry.json");
  if (!existsSync(pageFile) || !existsSync(entryFile)) return;
  const before = readFileSync(pageFile, "utf8");
  if (!/<script [^>]*src="[^"]*\/pagefind-classic\.js"/.test(before) || !before.includes('<form id="search-form"')) throw new Error(`${pageFile}: no Pagefind script or search form to finish`);
  const entryText = readFileSync(entryFile);
  const lang = /<html lang="([^"]*)"/.exec(before)?.[1] ?? "unknown";
  const index = pickIndex(JSON.parse(entryText.toString("utf8")) as Entry, lang);
  const metaName = `pagefind.${index.hash}.pf_meta`;
  const meta = gunzipSync(readFileSync(path.join(siteDir, "pagefind", metaName)));
  if (meta.subarray(0, 12).toString() !== "pagefind_dcd") throw new Error(`${metaName}: not a Pagefind metadata file`);
  const { chunks, filters } = readMeta(meta.subarray(12));
  // A hash of pagefind-entry.json: a fixed, preloadable URL for it that still changes whenever the index does.
  const tag = createHash("sha256").update(entryText).digest("hex").slice(0, 16);
  // Space-separated (index words never contain spaces): "first last hash first last hash …" and "name hash …".
  const attrs = {
    "data-index-tag": tag,
    "data-index-meta": metaName,
    "data-index-wasm": `wasm.${index.wasm ?? "unknown"}.pagefind`,
    "data-index-chunks": chunks.length <= MAX_CHUNKS ? chunks.flat().join(" ") : "",
    "data-index-filters": Object.entries(filters).flat().join(" "),
    // The same Pagefind wrote every bundle: their WebAssembly files are the primary's, fetched once (search.js).
    "data-shared-wasm": sameWasm(siteDir) ? "1" : "",
    // The bundles have their twins for a page opened from disk (not under --no-disk-search).
    "data-disk": existsSync(path.join(siteDir, "pagefind/pagefind-entry.json.js")) ? "1" : "",
  };
  const after = before.replace(
    /(<form id="search-form"[^>]*?)(?: data-index-tag="[^"]*" data-index-meta="[^"]*" data-index-wasm="[^"]*" data-index-chunks="[^"]*" data-index-filters="[^"]*" data-shared-wasm="[^"]*" data-disk="[^"]*")?>/,
    (_, start: string) =>
      `${start}${Object.entries(attrs).map(([k, v]) => ` ${k}="${escapeAttr(v)}"`).join("")}>`,
    );
  if (after !== before) writeFileSync(pageFile, after);
}
