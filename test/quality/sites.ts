// Quality gates' fixture: the bundled dumps built twice, at the root (no --url) and under /catalogue/ with
// --url https://example.org. Built once per test run and shared by the test files of test/quality/ (each runs in its
// own process): the sites live in a temp folder keyed by the test runner's process, guarded by a lock, and are rebuilt
// when any source file is newer than them.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { build, root } from "../../scripts/build.ts";
import { removeBuildCache } from "../helpers/cache.ts";

export interface Site {
  dir: string;
  base: string;
  url: string | null;
}

export interface Sites {
  plain: Site;
  prefixed: Site;
}

const CACHE = path.join(os.tmpdir(), "paper-catalogue-quality");
const SOURCES = ["scripts", "layouts", ".eleventy.ts", "package-lock.json"];

/** Newest modification time of the files a build reads (generated pages excluded). */
function newestSource(): number {
  let newest = 0;
  const visit = (file: string) => {
    if (!existsSync(file)) return;
    const st = statSync(file);
    if (st.isDirectory()) for (const n of readdirSync(file)) visit(path.join(file, n));
    else newest = Math.max(newest, st.mtimeMs);
  };
  for (const s of SOURCES) visit(path.join(root, s));
  for (const f of readdirSync(path.join(root, "content"))) if (f !== "papers" && f !== "permalinks.json") visit(path.join(root, "content", f));
  return newest;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Removes a test run's sites and their render caches. */
function removeSites(dir: string): void {
  for (const name of ["plain", "prefixed"]) removeBuildCache(path.join(root, "content/dumps"), path.join(dir, name));
  rmSync(dir, { recursive: true, force: true });
}

export async function builtSites(): Promise<Sites> {
  const key = String(process.ppid);
  const dir = path.join(CACHE, key);
  mkdirSync(CACHE, { recursive: true });
  // Folders of finished runs go.
  for (const other of readdirSync(CACHE)) if (other !== key && /^\d+$/.test(other) && !alive(Number(other))) removeSites(path.join(CACHE, other));
  const sites: Sites = {
    plain: { dir: path.join(dir, "plain"), base: "/", url: null },
    prefixed: { dir: path.join(dir, "prefixed"), base: "/catalogue/", url: "https://example.org" },
  };
  const marker = path.join(dir, "built.json");
  const lock = path.join(CACHE, `${key}.lock`);
  for (const started = Date.now(); ; ) {
    if (existsSync(marker) && JSON.parse(readFileSync(marker, "utf8")).time >= newestSource()) return sites;
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() - started > 300_000 || Date.now() - statSync(lock).mtimeMs > 300_000) rmSync(lock, { recursive: true, force: true });
      await sleep(500);
    }
  }
  try {
    removeSites(dir);
    const time = Date.now();
    for (const s of [sites.plain, sites.prefixed]) {
      const r = await build({ dumps: path.join(root, "content/dumps"), out: s.dir, base: s.base, url: s.url ?? undefined, strict: false, log: () => {} });
      if (!r.ok) throw new Error(`build of ${s.base} failed`);
    }
    writeFileSync(marker, JSON.stringify({ time }));
    return sites;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Every file under `dir` whose name ends with `ext`, relative, sorted. */
export function filesOf(dir: string, ext: string, rel = ""): string[] {
  const out: string[] = [];
  for (const name of readdirSync(path.join(dir, rel)).sort()) {
    const r = path.join(rel, name);
    if (statSync(path.join(dir, r)).isDirectory()) out.push(...filesOf(dir, ext, r));
    else if (name.endsWith(ext)) out.push(r);
  }
  return out;
}
