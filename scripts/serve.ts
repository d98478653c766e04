// `npm run serve`: serve a built site on localhost with nothing but node:http, so search (Pagefind) works offline.
// Also the static server that the tests and benchmarks start (test/helpers/server.ts).
import http from "node:http";
import path from "node:path";
import { createReadStream, readFileSync, realpathSync, statSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export const MIME: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".xml": "application/xml; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".ico": "image/x-icon",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".ttf": "font/ttf",
  ".otf": "font/otf",
  ".wasm": "application/wasm",
  // Pagefind's index files (`.pf_meta`, `.pf_index`, `.pf_filter`, `.pf_fragment`) and its wasm (`wasm.en.pagefind`) are gzip data it inflates itself.
  ".pagefind": "application/octet-stream",
};

export function mimeType(file: string): string {
  const ext = path.extname(file).toLowerCase();
  if (ext.startsWith(".pf_")) return "application/octet-stream";
  return MIME[ext] ?? "application/octet-stream";
}

/** Text types worth compressing on the fly (Pagefind's files are already gzip). */
const COMPRESSIBLE = new Set([".html", ".css", ".js", ".mjs", ".json", ".txt", ".xml", ".svg"]);

export interface ServeOptions {
  /** The built site folder. */
  dir: string;
  /** URL path the site is served under, e.g. "/" or "/catalogue/" (as given to `npm run build -- --base`). */
  base?: string;
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** Log each request (method, status, path). */
  log?: (line: string) => void;
}

export interface RunningServer {
  server: http.Server;
  /** e.g. http://127.0.0.1:41234 */
  origin: string;
  /** origin + base, e.g. http://127.0.0.1:41234/catalogue/ */
  url: string;
  base: string;
  close(): Promise<void>;
}

export function normaliseServeBase(base = "/"): string {
  const trimmed = base.trim().replace(/^\/+|\/+$/g, "");
  return trimmed ? `/${trimmed}/` : "/";
}

/**
 * Resolves a URL path to a file inside `dir`, or null. Rejects anything that would escape `dir`
 * (`..`, encoded `%2e%2e`, backslashes, NUL, symlinks pointing outside).
 */
export function resolveFile(dir: string, base: string, urlPath: string): string | null {
  let pathname: string;
  try {
    pathname = decodeURIComponent(urlPath.split("?")[0].split("#")[0]);
  } catch {
    return null;
  }
  if (pathname.includes("\0") || pathname.includes("\\")) return null;
  if (base !== "/") {
    if (!pathname.startsWith(base)) return null;
    pathname = "/" + pathname.slice(base.length);
  }
  const segments = pathname.split("/");
  if (segments.some((s) => s === ".." || s === ".")) return null;
  const rootDir = path.resolve(dir);
  let file = path.resolve(rootDir, "." + pathname);
  if (file !== rootDir && !file.startsWith(rootDir + path.sep)) return null;
  try {
    let st = statSync(file);
    if (st.isDirectory()) {
      // Only `…/` maps to the folder's index.html; `…/folder` is redirected to `…/folder/` by the server.
      if (!pathname.endsWith("/")) return null;
      file = path.join(file, "index.html");
      st = statSync(file);
    }
    if (!st.isFile()) return null;
    const real = realpathSync(file);
    const realRoot = realpathSync(rootDir);
    if (!real.startsWith(realRoot + path.sep)) return null;
    return file;
  } catch {
    return null;
  }
}

export function createStaticServer(opts: ServeOptions): http.Server {
  const dir = path.resolve(opts.dir);
  const base = normaliseServeBase(opts.base);
  const gzCache = new Map<string, { mtime: number; body: Buffer }>();

  return http.createServer((req, res) => {
    const send = (status: number, file: string | null, body?: string) => {
      opts.log?.(`${status} ${req.method} ${req.url}`);
      res.setHeader("X-Content-Type-Options", "nosniff");
      if (file === null) {
        res.writeHead(status, { "Content-Type": "text/plain; charset=utf-8" });
        res.end(req.method === "HEAD" ? undefined : body);
        return;
      }
      const ext = path.extname(file).toLowerCase();
      const st = statSync(file);
      // Revalidate every time (a rebuild changes files in place), but answer unchanged files with 304.
      const etag = `"${st.size.toString(36)}-${Math.floor(st.mtimeMs).toString(36)}"`;
      const headers: Record<string, string | number> = { "Content-Type": mimeType(file), "Cache-Control": "no-cache", ETag: etag };
      if (status === 200 && req.headers["if-none-match"] === etag) {
        res.writeHead(304, { ETag: etag, "Cache-Control": "no-cache" });
        return res.end();
      }
      const acceptsGzip = /\bgzip\b/.test(String(req.headers["accept-encoding"] ?? ""));
      if (acceptsGzip && COMPRESSIBLE.has(ext) && st.size > 512) {
        let cached = gzCache.get(file);
        if (!cached || cached.mtime !== st.mtimeMs) {
          cached = { mtime: st.mtimeMs, body: gzipSync(readFileSync(file)) };
          gzCache.set(file, cached);
        }
        res.writeHead(status, { ...headers, "Content-Encoding": "gzip", Vary: "Accept-Encoding", "Content-Length": cached.body.length });
        res.end(req.method === "HEAD" ? undefined : cached.body);
        return;
      }
      res.writeHead(status, { ...headers, "Content-Length": st.size });
      if (req.method === "HEAD") res.end();
      else createReadStream(file).pipe(res);
    };

    if (req.method !== "GET" && req.method !== "HEAD") {
      res.setHeader("Allow", "GET, HEAD");
      return send(405, null, "Method not allowed\n");
    }
    const urlPath = req.url ?? "/";
    const pathname = urlPath.split("?")[0];
    if (base !== "/" && pathname === "/") {
      res.writeHead(302, { Location: base });
      return res.end();
    }
    // `/catalogue` → `/catalogue/`; `/papers/x` → `/papers/x/` when that is a folder.
    if (!pathname.endsWith("/")) {
      const asDir = resolveFile(dir, base, pathname + "/");
      if (asDir && !resolveFile(dir, base, pathname)) {
        opts.log?.(`301 ${req.method} ${req.url}`);
        res.writeHead(301, { Location: pathname + "/" + (urlPath.includes("?") ? urlPath.slice(urlPath.indexOf("?")) : "") });
        return res.end();
      }
    }
    const file = resolveFile(dir, base, urlPath);
    if (file) return send(200, file);
    const notFound = resolveFile(dir, "/", "/404.html");
    return notFound ? send(404, notFound) : send(404, null, "Not found\n");
  });
}

/** Starts a static server; port 0 (the default) picks a free one. */
export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  const server = createStaticServer(opts);
  const host = opts.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("server has no TCP address");
  const origin = `http://${host.includes(":") ? `[${host}]` : host}:${address.port}`;
  const base = normaliseServeBase(opts.base);
  return {
    server,
    origin,
    url: origin + base,
    base,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      dir: { type: "string", default: path.join(root, "site") },
      port: { type: "string", default: "8080" },
      host: { type: "string", default: "127.0.0.1" },
      base: { type: "string", default: "/" },
      quiet: { type: "boolean", default: false },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port ${values.port}: use a number from 0 to 65535`);
  const dir = path.resolve(values.dir!);
  try {
    statSync(path.join(dir, "index.html"));
  } catch {
    throw new Error(`${dir} has no index.html: run \`npm run build\` first (or pass --dir)`);
  }
  const running = await startServer({ dir, base: values.base, port, host: values.host, log: values.quiet ? undefined : (l) => console.log(l) });
  console.log(`Serving ${path.relative(process.cwd(), dir) || "."} at ${running.url} (Ctrl+C to stop)`);
  const stop = () => void running.close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e: Error) => {
    console.error(`serve failed: ${e.message}`);
    process.exitCode = 1;
  });
}
