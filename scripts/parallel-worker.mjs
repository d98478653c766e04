// Worker thread entry for parallel.ts: loads TypeScript through tsx, then runs the tasks it is sent.
import { parentPort } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
const { tasks } = await import("./parallel-tasks.ts");
parentPort.on("message", ({ id, task, items, extra }) => {
  try {
    parentPort.postMessage({ id, result: tasks[task](items, extra) });
  } catch (e) {
    parentPort.postMessage({ id, error: e instanceof Error ? e.stack ?? e.message : String(e) });
  }
});
