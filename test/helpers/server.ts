// Test helper: a static server on 127.0.0.1 with a random port, serving a built site folder (optionally under a sub-path).
// It is the same server as `npm run serve` (scripts/serve.ts).
import { startServer, type RunningServer } from "../../scripts/serve.ts";

export type { RunningServer };

/** Serves `dir` at http://127.0.0.1:<random port><base>; call `close()` when done. */
export function serve(dir: string, base = "/"): Promise<RunningServer> {
  return startServer({ dir, base, port: 0, host: "127.0.0.1" });
}
