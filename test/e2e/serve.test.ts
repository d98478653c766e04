// The static server behind `npm run serve` and the browser tests: MIME types, 404 page, sub-path, no directory traversal.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import path from "node:path";
import os from "node:os";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { serve, type RunningServer } from "../helpers/server.ts";

let tmp: string;
let site: RunningServer;
let prefixed: RunningServer;

before(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), "serve-test-"));
  const dir = path.join(tmp, "site");
  const files: Record<string, string> = {
    "index.html": "<!doctype html><title>home</title>",
    "404.html": "<!doctype html><title>Page not found</title>",
    "search/index.html": "<!doctype html><title>search</title>",
    "assets/site.css": "body{}".repeat(200),
    "assets/site.js": "export {};",
    "catalogue.json": "{}",
    "pagefind/pagefind.js": "export const x = 1;",
    "pagefind/wasm.en.pagefind": "\x1f\x8b",
    "pagefind/pagefind.en_abc.pf_meta": "\x1f\x8b",
    "pagefind/fragment/en_1.pf_fragment": "\x1f\x8b",
    "assets/katex/fonts/KaTeX_Main-Regular.woff2": "wOF2",
    "assets/x.wasm": "\0asm",
  };
  for (const [name, body] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), body);
  }
  writeFileSync(path.join(tmp, "secret.txt"), "secret");
  site = await serve(dir);
  prefixed = await serve(dir, "/catalogue/");
});

after(async () => {
  await site?.close();
  await prefixed?.close();
  rmSync(tmp, { recursive: true, force: true });
});

/** A raw request, so paths like /../ reach the server unnormalised. */
function get(server: RunningServer, rawPath: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  const { port } = new URL(server.origin);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, path: rawPath, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on("error", reject);
    req.end();
  });
}

test("the server sends the right MIME types for pages, assets, fonts, WebAssembly and Pagefind's index files", async () => {
  const expect: Record<string, string> = {
    "/": "text/html; charset=utf-8",
    "/search/": "text/html; charset=utf-8",
    "/assets/site.css": "text/css; charset=utf-8",
    "/assets/site.js": "text/javascript; charset=utf-8",
    "/catalogue.json": "application/json; charset=utf-8",
    "/pagefind/pagefind.js": "text/javascript; charset=utf-8",
    "/assets/x.wasm": "application/wasm",
    "/pagefind/wasm.en.pagefind": "application/octet-stream",
    "/pagefind/pagefind.en_abc.pf_meta": "application/octet-stream",
    "/pagefind/fragment/en_1.pf_fragment": "application/octet-stream",
    "/assets/katex/fonts/KaTeX_Main-Regular.woff2": "font/woff2",
  };
  for (const [p, type] of Object.entries(expect)) {
    const res = await get(site, p);
    assert.equal(res.status, 200, p);
    assert.equal(res.headers["content-type"], type, p);
  }
});

test("the server compresses text with gzip when asked and leaves Pagefind's already-compressed files alone", async () => {
  const css = await get(site, "/assets/site.css", { "accept-encoding": "gzip, br" });
  assert.equal(css.headers["content-encoding"], "gzip");
  assert.equal(gunzipSync(css.body).toString(), "body{}".repeat(200));
  const frag = await get(site, "/pagefind/fragment/en_1.pf_fragment", { "accept-encoding": "gzip" });
  assert.equal(frag.headers["content-encoding"], undefined);
});

test("unknown paths get 404 with the site's 404 page", async () => {
  const res = await get(site, "/no/such/page/");
  assert.equal(res.status, 404);
  assert.match(res.body.toString(), /Page not found/);
});

test("the server never serves files outside the site folder", async () => {
  for (const p of ["/../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt", "/assets/..%2f..%2fsecret.txt", "/%2e%2e%5csecret.txt", "/assets/%00.css", "/%E0%A4%A"]) {
    const res = await get(site, p);
    assert.equal(res.status, 404, p);
    assert.doesNotMatch(res.body.toString(), /secret/, p);
  }
});

test("under a sub-path the site is served only below it, and / and /catalogue redirect to it", async () => {
  assert.equal((await get(prefixed, "/catalogue/search/")).status, 200);
  assert.equal((await get(prefixed, "/catalogue/pagefind/pagefind.js")).status, 200);
  assert.equal((await get(prefixed, "/search/")).status, 404);
  const root = await get(prefixed, "/");
  assert.equal(root.status, 302);
  assert.equal(root.headers.location, "/catalogue/");
  const bare = await get(prefixed, "/catalogue");
  assert.equal(bare.status, 301);
  assert.equal(bare.headers.location, "/catalogue/");
  const noSlash = await get(prefixed, "/catalogue/search?q=x");
  assert.equal(noSlash.status, 301);
  assert.equal(noSlash.headers.location, "/catalogue/search/?q=x");
});
