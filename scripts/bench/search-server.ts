// The static server bench-search measures against, in a process of its own (as `npm run serve` is), counting the bytes it sends.
// Started with fork() by scripts/bench-search.ts: it sends {url} once listening, then answers "report" with the bytes
// written since the last "reset" (all responses, headers included) and each response's status, path and body size.
import type { Socket } from "node:net";
import { startServer } from "../serve.ts";

export interface ServerReport {
  bytes: number;
  requests: { path: string; bytes: number }[];
}

export type ServerMessage = { url: string } | ServerReport;

async function main(): Promise<void> {
  const dir = process.env.BENCH_SITE;
  if (!dir || !process.send) throw new Error("search-server: start it with fork() and BENCH_SITE set");
  const server = await startServer({ dir, base: "/", port: 0 });
  const sockets = new Set<Socket>();
  let requests: ServerReport["requests"] = [];
  server.server.on("connection", (s: Socket) => sockets.add(s));
  server.server.on("request", (req, res) => {
    res.on("finish", () => requests.push({ path: `${res.statusCode} ${req.url ?? ""}`, bytes: Number(res.getHeader("content-length") ?? 0) }));
  });
  process.on("message", (message: string) => {
    if (message === "reset") {
      // A run starts on fresh connections, so that bytes written on a socket belong to that run.
      for (const s of sockets) s.destroy();
      sockets.clear();
      requests = [];
      process.send!("reset");
    } else if (message === "report") {
      process.send!({ bytes: [...sockets].reduce((n, s) => n + s.bytesWritten, 0), requests } satisfies ServerReport);
    } else if (message === "stop") {
      void server.close().then(() => process.exit(0));
    }
  });
  process.send({ url: server.url });
}

main().catch((e: Error) => {
  console.error(`search-server: ${e.message}`);
  process.exit(1);
});
