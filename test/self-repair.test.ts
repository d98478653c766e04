// A rebuild does not trust damaged output: paper pages emptied, edited or deleted in the site are written again, and
// the published catalogue.json shares no bytes with the cache it is kept in.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, truncateSync, utimesSync, writeFileSync } from "node:fs";
import os from "node:os";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { build, root } from "../scripts/build.ts";
import { ingestCacheDir } from "../scripts/ingest-cache.ts";
import { removeBuildCache } from "./helpers/cache.ts";

const work = mkdtempSync(path.join(os.tmpdir(), "catalogue-self-repair-"));
const dumps = path.join(work, "dumps");
const out = path.join(work, "site");
const options = { dumps, out, base: "/", strict: false, log: () => {} };

before(async () => {
  mkdirSync(dumps);
  copyFileSync(path.join(root, "content/dumps/000_1275fc8230ab7f90.txt"), path.join(dumps, "000.txt"));
  // A large-ingest build (child process), the path that splices catalogue.json from its cache.
  assert.ok((await build({ ...options, ingestChildAbove: 0 })).ok);
});

after(() => {
  removeBuildCache(dumps, out);
  rmSync(work, { recursive: true, force: true });
});

const page = (slug: string) => path.join(out, "papers", slug, "index.html");

test("a rebuild writes again the paper pages emptied, edited or deleted in the output", { timeout: 180_000 }, async () => {
  const [emptied, edited, deleted, deletedFolder, touched] = readdirSync(path.join(out, "papers")).sort().slice(0, 5);
  const original = new Map([emptied, edited, deleted, deletedFolder].map((s) => [s, readFileSync(page(s))]));
  writeFileSync(page(emptied), "");
  // Same size, one letter changed, the modification time set back: only the change time and then the hash can tell.
  const text = original.get(edited)!.toString("utf8");
  const at = text.indexOf("<h1");
  const was = statSync(page(edited), { bigint: true });
  const reference = path.join(work, "reference");
  assert.equal(spawnSync("cp", ["--preserve=timestamps", page(edited), reference]).status, 0);
  writeFileSync(page(edited), text.slice(0, at + 1) + "H" + text.slice(at + 2));
  // touch -r sets the times to the nanosecond (utimes from JavaScript rounds them).
  assert.equal(spawnSync("touch", ["-r", reference, page(edited)]).status, 0);
  assert.equal(statSync(page(edited)).size, original.get(edited)!.length);
  assert.equal(statSync(page(edited), { bigint: true }).mtimeNs, was.mtimeNs);
  // Times moved, bytes as written: hashed, found intact, reused.
  utimesSync(page(touched), new Date(), new Date());
  rmSync(page(deleted));
  rmSync(path.join(out, "papers", deletedFolder), { recursive: true });
  const r = await build({ ...options, ingestChildAbove: 0 });
  assert.ok(r.ok);
  assert.equal(r.counts.pagesRendered, 4, "exactly the four damaged pages are rendered again (the touched one is reused)");
  for (const [slug, bytes] of original) assert.deepEqual(readFileSync(page(slug)), bytes, `${slug} was not restored`);
});

test("the published catalogue.json is not a link to the cache: truncating the cache leaves it whole", { timeout: 180_000 }, async () => {
  // Rebuilt, so the catalogue is written through the cache (writeKept) rather than made fresh.
  assert.ok((await build({ ...options, ingestChildAbove: 0 })).ok);
  const published = path.join(out, "catalogue.json");
  const before = readFileSync(published);
  assert.equal(statSync(published).nlink, 1, "catalogue.json has another name");
  const cached = readdirSync(ingestCacheDir(dumps)).filter((f) => f.startsWith("catalogue-json-"));
  assert.ok(cached.length > 0, "no kept catalogue.json in the cache");
  for (const f of cached) truncateSync(path.join(ingestCacheDir(dumps), f), 10);
  assert.deepEqual(readFileSync(published), before);
  // And the next build, finding its cache damaged, still publishes the same catalogue.
  assert.ok((await build({ ...options, ingestChildAbove: 0 })).ok);
  assert.deepEqual(readFileSync(published), before);
});
