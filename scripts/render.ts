// Renders the site with Eleventy in parallel worker processes: paper pages in shards, index pages from the whole catalogue.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { RenderJob } from "./eleventy/data.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/**
 * Papers per Eleventy run: large enough to amortise a run's start-up (about 2 s of loading Eleventy and compiling the
 * templates), small enough that a run stays under about 1 GB of memory. Eleventy's cost per page is flat at this size.
 */
export const SHARD_SIZE = 10000;

/** Up to this many paper pages are rendered by the index runs themselves rather than in runs of their own. */
const RIDE_ALONG = 2000;

/**
 * Render workers started before there is anything to render: they load Eleventy and the templates' modules (about 2 s
 * each) while the ingest runs, on the core it leaves idle, and then wait for a job (render-worker.ts).
 */
export class WorkerPool {
  private readonly idle: Worker[] = [];

  /** Starts `n` workers. */
  preload(n: number): void {
    for (let i = 0; i < n; i++) this.idle.push(startWorker());
  }

  /** A waiting worker, or a new one. */
  take(): Worker {
    return this.idle.shift() ?? startWorker();
  }

  /** Lets the workers nobody took exit. */
  close(): void {
    for (const w of this.idle.splice(0)) w.child.stdin!.end();
  }
}

export interface RenderPlan {
  out: string;
  /** Eleventy input folder (the templates). */
  content: string;
  papersDir: string;
  taxonomyFile: string;
  build: RenderJob["build"];
  /** Paper page files to render (a subset on incremental builds). */
  files: string[];
  /** JSON file of every paper's card, for the index pages. */
  cardsFile: string;
  workers?: number;
  onJobDone?: (done: number, total: number, papers: number) => void;
  /** Workers started early (default: each run starts its own). */
  pool?: WorkerPool;
}

export async function renderSite(plan: RenderPlan): Promise<{ jobs: number; indexesMs: number }> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), "catalogue-render-"));
  try {
    const cardsFile = plan.cardsFile;
    const base = { out: plan.out, content: plan.content, papersDir: plan.papersDir, taxonomyFile: plan.taxonomyFile, build: plan.build };
    // Index pages in two runs (topic pages; the others), started first: they are the longest runs.
    const jobs: RenderJob[] = [
      { ...base, part: "indexes", indexes: "topics", cardsFile },
      { ...base, part: "indexes", indexes: "others", cardsFile },
    ];
    const workers = Math.max(1, plan.workers ?? os.availableParallelism());
    if (plan.files.length <= RIDE_ALONG) {
      // A few pages (a rebuild after a new dump) ride along with the index runs, half each: a run of their own would
      // start Eleventy once more (about 2 s) and wait for a free core.
      const half = Math.ceil(plan.files.length / 2);
      [plan.files.slice(0, half), plan.files.slice(half)].forEach((files, i) => {
        if (files.length) jobs[i] = { ...jobs[i], part: "all", files };
      });
    } else {
      // Equal shards, at least one per worker.
      const shards = Math.max(Math.ceil(plan.files.length / SHARD_SIZE), workers);
      const size = Math.ceil(plan.files.length / shards);
      for (let i = 0; i < plan.files.length; i += size) jobs.push({ ...base, part: "papers", files: plan.files.slice(i, i + size) });
    }
    const jobFiles = jobs.map((job, i) => {
      const f = path.join(tmp, `job-${i}.json`);
      writeFileSync(f, JSON.stringify(job));
      return f;
    });
    let next = 0;
    let done = 0;
    let failure: unknown = null;
    let indexesMs = 0;
    const running = Math.min(workers, jobs.length);
    // After a failure no new run starts, and the caller hears of it only once every running worker has stopped
    // writing into the output folder.
    await Promise.allSettled(
      Array.from({ length: running }, async () => {
        while (next < jobs.length && failure === null) {
          const i = next++;
          const t0 = performance.now();
          try {
            await (plan.pool?.take() ?? startWorker()).run(jobFiles[i]);
            if (jobs[i].indexes) indexesMs = Math.max(indexesMs, performance.now() - t0);
          } catch (e) {
            failure ??= e;
            return;
          }
          plan.onJobDone?.(++done, jobs.length, jobs[i].files?.length ?? 0);
        }
      }),
    );
    if (failure !== null) throw failure;
    return { jobs: jobs.length, indexesMs };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

interface Worker {
  child: ChildProcess;
  /** Hands the worker its job file; resolves when its Eleventy run has written its pages. */
  run: (jobFile: string) => Promise<void>;
}

/** A render worker (render-worker.ts): it loads Eleventy, then reads the path of its job file from its standard input. */
function startWorker(): Worker {
  // A larger young generation, as for the ingest (ingest-process.ts): Eleventy's runs spent a quarter of their time
  // collecting garbage with V8's default 16 MB semi-spaces.
  const child = spawn(process.execPath, ["--max-semi-space-size=64", "--import", "tsx", path.join(root, "scripts/render-worker.ts")], {
    cwd: root,
    stdio: ["pipe", "inherit", "pipe"],
  });
  let err = "";
  child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  // A worker that failed while waiting reports it when it is handed a job.
  const exited = new Promise<void>((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`Eleventy run failed (exit ${code}):\n${err.trim().split("\n").slice(-15).join("\n")}`))));
  });
  exited.catch(() => undefined);
  child.stdin!.on("error", () => undefined);
  return {
    child,
    run: (jobFile) => {
      child.stdin!.end(`${jobFile}\n`);
      return exited;
    },
  };
}
