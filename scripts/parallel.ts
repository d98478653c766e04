// Spreads a pure per-item task over this thread and worker threads (one thread per core in all), keeping the input
// order; small inputs run inline. Items go out in chunks, each thread taking the next when it is done, so that threads
// that started late or run slower still finish together. Worker threads start on first use (or `warmUp`) and are kept
// for the rest of the process: starting one costs about a second of TypeScript loading. Idle ones do not keep the
// process alive.
import os from "node:os";
import { Worker } from "node:worker_threads";
import { tasks, type TaskName } from "./parallel-tasks.ts";

/** Below this many items, starting threads costs more than it saves. */
export const INLINE_BELOW = 4000;
/** Chunks per thread: enough to even out the threads' speeds, few enough that messages cost nothing. */
const CHUNKS_PER_THREAD = 8;

type Item<T extends TaskName> = Parameters<(typeof tasks)[T]>[0][number];
type Result<T extends TaskName> = ReturnType<(typeof tasks)[T]>[number];
type Extra<T extends TaskName> = Parameters<(typeof tasks)[T]>[1];

export async function parallelMap<T extends TaskName>(task: T, items: Item<T>[], extra?: Extra<T>, inlineBelow = INLINE_BELOW): Promise<Result<T>[]> {
  const run = tasks[task] as (items: Item<T>[], extra?: Extra<T>) => Result<T>[];
  const workers = os.availableParallelism() - 1;
  if (items.length < inlineBelow || workers < 1) return run(items, extra);
  const size = Math.ceil(items.length / ((workers + 1) * CHUNKS_PER_THREAD));
  const chunks: Item<T>[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  const results: Result<T>[][] = new Array(chunks.length);
  let next = 0;
  const viaWorker = async (w: number) => {
    for (let i = next++; i < chunks.length; i = next++) results[i] = (await thread(w).run(task, chunks[i], extra)) as Result<T>[];
  };
  const here = async () => {
    for (let i = next++; i < chunks.length; i = next++) {
      results[i] = run(chunks[i], extra);
      // Let finished workers take their next chunk.
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  // Two chunks in flight per worker, so that it has the next one while this thread is busy with its own.
  await Promise.all([...Array.from({ length: 2 * workers }, (_, i) => viaWorker(i % workers)), here()]);
  return results.flat();
}

/** Runs `task` over `items` on the first worker thread, after the tasks sent there before: for work that must stay on one thread, off this one. */
export function onWorker<T extends TaskName>(task: T, items: Item<T>[], extra?: Extra<T>): Promise<Result<T>[]> {
  return thread(0).run(task, items, extra) as Promise<Result<T>[]>;
}

/** Starts the worker threads now, so that they load while this thread reads the input. */
export function warmUp(): void {
  for (let w = 0; w < os.availableParallelism() - 1; w++) thread(w).start();
}

interface Pending {
  resolve: (result: unknown[]) => void;
  reject: (error: Error) => void;
}

/** One worker thread and the tasks sent to it, answered in order. */
class Thread {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  private next = 0;

  run(task: TaskName, items: unknown[], extra: unknown): Promise<unknown[]> {
    const worker = this.start();
    const id = this.next++;
    if (this.pending.size === 0) worker.ref();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, task, items, extra });
    });
  }

  start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(new URL("./parallel-worker.mjs", import.meta.url));
    worker.unref();
    worker.on("message", (m: { id: number; result?: unknown[]; error?: string }) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (this.pending.size === 0) worker.unref();
      if (m.error !== undefined) p.reject(new Error(`worker: ${m.error}`));
      else p.resolve(m.result!);
    });
    // A thread that dies fails what it was doing; the next task starts a new one.
    const fail = (e: Error) => {
      if (this.worker === worker) this.worker = null;
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
    };
    worker.on("error", fail);
    worker.on("exit", (code) => fail(new Error(`worker thread exited (code ${code})`)));
    return (this.worker = worker);
  }
}

const threads: Thread[] = [];

function thread(i: number): Thread {
  return (threads[i] ??= new Thread());
}
