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

/**
 * Up to this many paper pages are rendered in no shard of their own: by the index runs themselves, or, when those
 * started early, by their workers once they are done, half each.
 */
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
    for (const w of this.idle.splice(0)) w.end();
  }
}

export interface RenderPlan {
  out: string;
  /** Eleventy input folder (the templates). */
  content: string;
  papersDir: string;
  taxonomyFile: string;
  workers?: number;
  /** Hears each run's end: runs ended, runs so far (the paper pages' runs are added when finish names them), its paper pages. */
  onJobDone?: (done: number, total: number, papers: number) => void;
  /** Workers started early (default: each run starts its own). */
  pool?: WorkerPool;
}

/** What the index pages are made from: every paper's card (a JSON file) and the build's settings. */
export interface IndexInput {
  cardsFile: string;
  build: RenderJob["build"];
}

/** The first and second half of `files` (the first one longer by one when their number is odd). */
function halves(files: string[]): [string[], string[]] {
  const half = Math.ceil(files.length / 2);
  return [files.slice(0, half), files.slice(half)];
}

/** Where a lane's workers come from and go (see SiteRender.lanes). */
interface LaneWorkers {
  /** A worker for the lane's next job; null: one from the pool. */
  acquire: () => Promise<Worker | null>;
  /** Whether the lane keeps its worker for its next job (else it is released after each). */
  keep: boolean;
  /** Takes a worker the lane is done with (null: the lane had none). */
  release: (w: Worker | null) => void;
}

/**
 * The Eleventy runs of one build: the index pages in two runs (topic pages; the others) from every paper's card, the
 * paper pages in shards. The index runs can start before the paper pages to render are known (startIndexes); their
 * workers then render a rebuild's few paper pages, Eleventy and the templates already loaded.
 */
export class SiteRender {
  private readonly tmp = mkdtempSync(path.join(os.tmpdir(), "catalogue-render-"));
  private readonly workers: number;
  private jobs = 0;
  private done = 0;
  /** The first failure of any run: after it no new run starts. */
  private failure: { error: unknown } | null = null;
  private indexes: Promise<number> | null = null;
  /** Workers of the early index runs, handed over to the paper pages (null: a run that never had one), and lanes waiting for one. */
  private readonly spare: (Worker | null)[] = [];
  private readonly waiting: ((w: Worker | null) => void)[] = [];
  /** Each job on a worker of its own, which exits after it (and gives its memory back). */
  private readonly oneJobEach: LaneWorkers = { acquire: async () => null, keep: false, release: (w) => w?.end() };

  constructor(private readonly plan: RenderPlan) {
    this.workers = Math.max(1, plan.workers ?? os.availableParallelism());
  }

  /** Starts the two index runs, each on a worker of its own, once `after` resolves (the output folder is ready). */
  startIndexes(input: IndexInput, after: Promise<unknown>): void {
    this.indexes = this.lanes(this.indexJobs(input), [after, after], { ...this.oneJobEach, release: (w) => this.handOver(w) });
    this.indexes.catch(() => undefined); // reported by finish
  }

  /** Starts no new run and resolves once the runs under way have ended (the build failed before finish). */
  async abandon(): Promise<void> {
    this.failure ??= { error: new Error("rendering abandoned") };
    await this.indexes?.catch(() => undefined);
    this.endSpare();
  }

  /**
   * Renders the paper pages `files` and, unless startIndexes did, the index pages; resolves once every run has ended
   * (with the longer index run's milliseconds), rejects with the first failure once no run writes any more.
   */
  async finish(files: string[], input: IndexInput): Promise<{ runs: number; indexesMs: number }> {
    const base = this.base(input.build);
    let indexesMs: number;
    if (this.indexes) {
      const papers = (shards: string[][]) => shards.filter((f) => f.length).map((f) => ({ ...base, part: "papers" as const, files: f }));
      let rendered: Promise<number>;
      if (files.length <= RIDE_ALONG) {
        // A rebuild's few pages: half each for the index runs' workers once they are done (starting one more would
        // cost about 2 s of loading beside the ingest).
        const handedOver: LaneWorkers = { acquire: () => this.handedOver(), keep: true, release: (w) => w?.end() };
        rendered = this.lanes(papers(halves(files)), [Promise.resolve(), Promise.resolve()], handedOver);
      } else {
        // Many pages: shards on workers of their own, one beside the index runs, as many as the build uses after them.
        const gates = Array.from({ length: this.workers }, (_, i) => (i === 0 ? Promise.resolve() : this.indexes!.catch(() => undefined)));
        rendered = this.lanes(papers(this.shards(files)), gates, this.oneJobEach);
      }
      const [ms] = await Promise.allSettled([this.indexes, rendered]);
      indexesMs = ms.status === "fulfilled" ? ms.value : 0;
      this.endSpare();
    } else {
      const jobs = this.indexJobs(input);
      if (files.length <= RIDE_ALONG) {
        // A few pages ride along with the index runs, half each: a run of their own would start Eleventy once more
        // (about 2 s) and wait for a free core.
        halves(files).forEach((f, i) => {
          if (f.length) jobs[i] = { ...jobs[i], part: "all", files: f };
        });
      } else for (const f of this.shards(files)) jobs.push({ ...base, part: "papers", files: f });
      indexesMs = await this.lanes(jobs, Array.from({ length: Math.min(this.workers, jobs.length) }, () => Promise.resolve()), this.oneJobEach);
    }
    if (this.failure) throw this.failure.error;
    return { runs: this.jobs, indexesMs };
  }

  /** Removes the job files (once no run reads them). */
  close(): void {
    this.endSpare();
    rmSync(this.tmp, { recursive: true, force: true });
  }

  private handOver(w: Worker | null): void {
    const lane = this.waiting.shift();
    if (lane) lane(w);
    else this.spare.push(w);
  }

  private handedOver(): Promise<Worker | null> {
    if (this.spare.length) return Promise.resolve(this.spare.shift()!);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private endSpare(): void {
    for (const w of this.spare.splice(0)) w?.end();
  }

  private base(build: RenderJob["build"]) {
    const { out, content, papersDir, taxonomyFile } = this.plan;
    return { out, content, papersDir, taxonomyFile, build };
  }

  private indexJobs(input: IndexInput): RenderJob[] {
    const base = this.base(input.build);
    return [
      { ...base, part: "indexes", indexes: "topics", cardsFile: input.cardsFile },
      { ...base, part: "indexes", indexes: "others", cardsFile: input.cardsFile },
    ];
  }

  /** Equal shards of at most SHARD_SIZE pages, at least one per worker. */
  private shards(files: string[]): string[][] {
    const count = Math.max(Math.ceil(files.length / SHARD_SIZE), this.workers);
    const size = Math.ceil(files.length / count);
    const out: string[][] = [];
    for (let i = 0; i < files.length; i += size) out.push(files.slice(i, i + size));
    return out;
  }

  /**
   * Runs `jobs` in order on one lane per gate, each lane starting when its gate opens, on workers as `workers` says;
   * resolves when every lane has ended, with the longest index run's milliseconds. After a failure (kept for finish) no
   * lane starts a new run.
   */
  private async lanes(jobs: RenderJob[], gates: Promise<unknown>[], workers: LaneWorkers): Promise<number> {
    const first = this.jobs;
    this.jobs += jobs.length;
    const files = jobs.map((job, i) => {
      const f = path.join(this.tmp, `job-${first + i}.json`);
      writeFileSync(f, JSON.stringify(job));
      return f;
    });
    let next = 0;
    let indexesMs = 0;
    await Promise.all(
      gates.map(async (gate) => {
        let worker: Worker | null = null;
        let released = false;
        const release = (w: Worker | null) => {
          released = true;
          workers.release(w);
        };
        try {
          await gate;
          while (next < jobs.length && this.failure === null) {
            const i = next++;
            if (worker === null) {
              const got = await workers.acquire();
              if (this.failure !== null) {
                release(got);
                break;
              }
              worker = got ?? this.plan.pool?.take() ?? startWorker();
            }
            const t0 = performance.now();
            await worker.run(files[i]);
            if (jobs[i].part !== "papers") indexesMs = Math.max(indexesMs, performance.now() - t0);
            this.plan.onJobDone?.(++this.done, this.jobs, jobs[i].files?.length ?? 0);
            if (!workers.keep) {
              release(worker);
              worker = null;
            }
          }
        } catch (e) {
          this.failure ??= { error: e };
        }
        // What the lane still holds goes; a lane that released nothing releases null, so that a lane waiting for a
        // handed-over worker never waits for one that will not come.
        if (worker !== null || !released) release(worker);
      }),
    );
    if (this.failure) throw this.failure.error;
    return indexesMs;
  }
}

interface Worker {
  child: ChildProcess;
  /** Hands the worker a job file; resolves when its Eleventy run has written its pages (one job at a time). */
  run: (jobFile: string) => Promise<void>;
  /** Lets it exit once its job is done. */
  end: () => void;
}

/**
 * A render worker (render-worker.ts): it loads Eleventy, then reads paths of job files from its standard input, one per
 * line, runs Eleventy over each and reports each run's end on its IPC channel.
 */
function startWorker(): Worker {
  // A larger young generation, as for the ingest (ingest-process.ts): Eleventy's runs spent a quarter of their time
  // collecting garbage with V8's default 16 MB semi-spaces.
  const child = spawn(process.execPath, ["--max-semi-space-size=64", "--import", "tsx", path.join(root, "scripts/render-worker.ts")], {
    cwd: root,
    stdio: ["pipe", "inherit", "pipe", "ipc"],
  });
  let err = "";
  child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  let job: { file: string; resolve: () => void; reject: (e: Error) => void } | null = null;
  // A worker that stopped (failed while waiting, or during a run) reports it when it is handed a job, or at once.
  let stopped: Error | null = null;
  const stop = (e: Error) => {
    stopped ??= e;
    job?.reject(stopped);
    job = null;
  };
  child.on("error", stop);
  child.on("exit", (code) => stop(new Error(`Eleventy run failed (exit ${code}):\n${err.trim().split("\n").slice(-15).join("\n")}`)));
  child.on("message", (m: { done?: string }) => {
    if (job && m.done === job.file) {
      job.resolve();
      job = null;
    }
  });
  child.stdin!.on("error", () => undefined);
  return {
    child,
    run: (file) =>
      new Promise<void>((resolve, reject) => {
        if (stopped) return reject(stopped);
        job = { file, resolve, reject };
        child.stdin!.write(`${file}\n`);
      }),
    end: () => child.stdin!.end(),
  };
}
