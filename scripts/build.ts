// `npm run build`: ingest the dumps → Eleventy → Pagefind → catalogue.json, into a staging folder swapped in at the end.
import path from "node:path";
import os from "node:os";
import { createHash } from "node:crypto";
import { cpSync, mkdirSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import Eleventy from "@11ty/eleventy";
import * as pagefind from "pagefind";
import { ingest } from "./ingest.ts";
import { formatReport } from "./report.ts";
import { swapIn, writeJson } from "./io.ts";
import { catalogue } from "./stages/write.ts";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export interface BuildOptions {
  dumps: string;
  out: string;
  base: string;
  url?: string;
  strict: boolean;
  log: (line: string) => void;
}

export interface BuildResult {
  ok: boolean;
  report: string;
  timings: Record<string, number>;
  contentDir: string;
}

/** For the bundled dumps the project's `content/` is the Eleventy input; another dumps folder gets its own copy of the templates. */
export function contentDirFor(dumps: string): { content: string; state: string } {
  const projectContent = path.join(root, "content");
  if (path.resolve(dumps) === path.join(projectContent, "dumps")) return { content: projectContent, state: projectContent };
  const content = path.join(os.tmpdir(), "paper-catalogue", createHash("sha256").update(path.resolve(dumps)).digest("hex").slice(0, 16), "content");
  rmSync(content, { recursive: true, force: true });
  cpSync(projectContent, content, {
    recursive: true,
    filter: (src) => {
      const rel = path.relative(projectContent, src);
      return !(rel === "dumps" || rel.startsWith("dumps" + path.sep) || rel === "permalinks.json" || rel === "overrides.yaml" || (rel.startsWith("papers" + path.sep) && rel.endsWith(".md")));
    },
  });
  return { content, state: path.dirname(path.resolve(dumps)) };
}

export function normaliseBase(base: string): string {
  const trimmed = base.trim().replace(/^\/+|\/+$/g, "");
  if (trimmed && !/^[A-Za-z0-9._~\-\/]+$/.test(trimmed)) throw new Error(`--base ${JSON.stringify(base)}: use a URL path such as /catalogue/`);
  return trimmed ? `/${trimmed}/` : "/";
}

export async function build(opts: BuildOptions): Promise<BuildResult> {
  const timings: Record<string, number> = {};
  const base = normaliseBase(opts.base);
  const { content, state } = contentDirFor(opts.dumps);
  const t0 = performance.now();
  const ingested = ingest({ dumps: opts.dumps, content, state, taxonomy: path.join(content, "taxonomy.yaml") });
  Object.assign(timings, ingested.timings);
  timings.ingest = performance.now() - t0;
  const s = ingested.state;
  const report = formatReport(s, ingested.written);
  opts.log(report);
  if (opts.strict && (s.warnings.length || s.rejected.length)) {
    opts.log(`--strict: ${s.warnings.length} warnings and ${s.rejected.length} rejected entries: site not built, ${opts.out} left as it was.`);
    return { ok: false, report, timings, contentDir: content };
  }

  const out = path.resolve(opts.out);
  const staging = `${out}.staging-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(path.dirname(out), { recursive: true });
  try {
    const t1 = performance.now();
    // Eleventy resolves directory data files only from a relative input path.
    const elev = new Eleventy(path.relative(process.cwd(), content) || ".", staging, {
      configPath: path.join(root, ".eleventy.ts"),
      pathPrefix: base,
      quietMode: true,
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      config(cfg: any) {
        cfg.addGlobalData("build", { base, url: opts.url ?? null });
      },
    });
    await elev.write();
    timings.eleventy = performance.now() - t1;

    const t2 = performance.now();
    const { index, errors } = await pagefind.createIndex({ forceLanguage: "en", excludeSelectors: [".katex"] });
    if (!index) throw new Error(`Pagefind: ${errors.join("; ")}`);
    const added = await index.addDirectory({ path: staging });
    if (added.errors.length) throw new Error(`Pagefind: ${added.errors.join("; ")}`);
    const written = await index.writeFiles({ outputPath: path.join(staging, "pagefind") });
    if (written.errors.length) throw new Error(`Pagefind: ${written.errors.join("; ")}`);
    await pagefind.close();
    timings.pagefind = performance.now() - t2;
    opts.log(`Search index: ${added.page_count} pages`);

    writeJson(path.join(staging, "catalogue.json"), catalogue(s));
    swapIn(staging, out);
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    throw e;
  }
  opts.log(`Site written to ${path.relative(process.cwd(), out) || "."} (base ${base})`);
  return { ok: true, report, timings, contentDir: content };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      dumps: { type: "string", default: path.join(root, "content/dumps") },
      out: { type: "string", default: path.join(root, "site") },
      base: { type: "string", default: "/" },
      url: { type: "string" },
      strict: { type: "boolean", default: false },
    },
  });
  const result = await build({ dumps: values.dumps!, out: values.out!, base: values.base!, url: values.url, strict: values.strict!, log: (l) => console.log(l) });
  process.exitCode = result.ok ? 0 : 1;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e: Error) => {
    console.error(`build failed: ${e.message}`);
    process.exitCode = 1;
  });
}
