// Renders the site with Eleventy in parallel worker processes: paper pages in shards, index pages from the whole catalogue.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { RenderJob } from "./eleventy/data.ts";
import type { PaperCard } from "./eleventy/indexes.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Papers per Eleventy run: small enough that Eleventy's cost per page stays flat, large enough to amortise start-up. */
export const SHARD_SIZE = 5000;

export interface RenderPlan {
  out: string;
  /** Eleventy input folder (the templates). */
  content: string;
  papersDir: string;
  taxonomyFile: string;
  build: RenderJob["build"];
  /** Paper page files to render (a subset on incremental builds). */
  files: string[];
  /** Every paper's card, for the index pages. */
  cards: PaperCard[];
  workers?: number;
  onJobDone?: (done: number, total: number, papers: number) => void;
}

export async function renderSite(plan: RenderPlan): Promise<{ jobs: number }> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), "catalogue-render-"));
  try {
    const cardsFile = path.join(tmp, "cards.json");
    writeFileSync(cardsFile, JSON.stringify(plan.cards));
    const base = { out: plan.out, content: plan.content, papersDir: plan.papersDir, taxonomyFile: plan.taxonomyFile, build: plan.build };
    const jobs: RenderJob[] = [{ ...base, part: "indexes", cardsFile }];
    for (let i = 0; i < plan.files.length; i += SHARD_SIZE) jobs.push({ ...base, part: "papers", files: plan.files.slice(i, i + SHARD_SIZE) });
    const jobFiles = jobs.map((job, i) => {
      const f = path.join(tmp, `job-${i}.json`);
      writeFileSync(f, JSON.stringify(job));
      return f;
    });
    let next = 0;
    let done = 0;
    let failure: unknown = null;
    const workers = Math.max(1, Math.min(plan.workers ?? os.availableParallelism(), jobs.length));
    // After a failure no new run starts, and the caller hears of it only once every running worker has stopped
    // writing into the output folder.
    await Promise.allSettled(
      Array.from({ length: workers }, async () => {
        while (next < jobs.length && failure === null) {
          const i = next++;
          try {
            await runWorker(jobFiles[i]);
          } catch (e) {
            failure ??= e;
            return;
          }
          plan.onJobDone?.(++done, jobs.length, jobs[i].files?.length ?? 0);
        }
      }),
    );
    if (failure !== null) throw failure;
    return { jobs: jobs.length };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function runWorker(jobFile: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "scripts/render-worker.ts")], {
      cwd: root,
      env: { ...process.env, CATALOGUE_JOB: jobFile },
      stdio: ["ignore", "inherit", "pipe"],
    });
    let err = "";
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`Eleventy run failed (exit ${code}):\n${err.trim().split("\n").slice(-15).join("\n")}`))));
  });
}
