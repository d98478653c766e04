// Spreads a pure per-item task over worker threads, one per core, keeping the input order; small inputs run inline.
import os from "node:os";
import { Worker } from "node:worker_threads";
import { tasks, type TaskName } from "./parallel-tasks.ts";

/** Below this many items, starting threads costs more than it saves. */
export const INLINE_BELOW = 4000;

type Item<T extends TaskName> = Parameters<(typeof tasks)[T]>[0][number];
type Result<T extends TaskName> = ReturnType<(typeof tasks)[T]>[number];
type Extra<T extends TaskName> = Parameters<(typeof tasks)[T]>[1];

export async function parallelMap<T extends TaskName>(task: T, items: Item<T>[], extra?: Extra<T>, threads = os.availableParallelism()): Promise<Result<T>[]> {
  const run = tasks[task] as (items: Item<T>[], extra?: Extra<T>) => Result<T>[];
  if (items.length < INLINE_BELOW || threads < 2) return run(items, extra);
  const size = Math.ceil(items.length / threads);
  const chunks = Array.from({ length: threads }, (_, i) => items.slice(i * size, (i + 1) * size));
  const results = await Promise.all(chunks.map((chunk) => runInWorker(task, chunk, extra)));
  return results.flat() as Result<T>[];
}

function runInWorker(task: TaskName, items: unknown[], extra: unknown): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL("./parallel-worker.mjs", import.meta.url));
    worker.once("message", (m: { result?: unknown[]; error?: string }) => {
      void worker.terminate();
      if (m.error) reject(new Error(`${task} worker: ${m.error}`));
      else resolve(m.result!);
    });
    worker.once("error", reject);
    worker.postMessage({ id: 0, task, items, extra });
  });
}
