// Page writes: pages written by the ingest's worker thread are the same files, with the same records, as pages written
// on the ingest's own thread, and a later ingest, listing the folder on that thread, recognises them as unchanged.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { listPages, syncPages, type PageToWrite } from "../scripts/io.ts";
import { onWorker } from "../scripts/parallel.ts";
import type { Memo } from "../scripts/ingest-cache.ts";

function memo(): Memo<string> {
  const m = new Map<string, string>();
  return { get: (k) => m.get(k), set: (k, v) => void m.set(k, v), entries: () => m.entries() };
}

/** 1,000 pages (four write batches and a part): the i-th says its number, in texts of varying length. */
function pages(version = 1): PageToWrite[] {
  return Array.from({ length: 1000 }, (_, i) => ({
    file: `paper-${String(i).padStart(4, "0")}.md`,
    text: () => `---\ntitle: Paper ${i}\nversion: ${version}\n---\n${"Words of the abstract. ".repeat(i % 37)}\n`,
    fingerprint: `${i}:${version}`,
  }));
}

const viaWorker = (batch: [string, string][]) => onWorker("writePages", batch);

test("pages written by the worker thread are the files and records the ingest's own thread writes, and a next sync listing the folder there rewrites only changed pages", async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "write-pages-"));
  try {
    const inline = path.join(dir, "inline");
    const worker = path.join(dir, "worker");
    const a = await syncPages(inline, pages());
    const known = memo();
    const b = await syncPages(worker, pages(), new Map(), known, viaWorker);
    assert.equal(b.written, 1000);
    assert.deepEqual(readdirSync(worker).sort(), readdirSync(inline).sort());
    for (const f of readdirSync(inline)) assert.equal(readFileSync(path.join(worker, f), "utf8"), readFileSync(path.join(inline, f), "utf8"), f);
    assert.deepEqual([...b.records.keys()], [...a.records.keys()], "records in the order the pages came");
    for (const [file, r] of b.records) {
      const st = statSync(path.join(worker, file));
      assert.equal(r.size, st.size, file);
      assert.equal(r.mtimeMs, st.mtimeMs, file);
      assert.equal(r.hash, a.records.get(file)!.hash, file);
    }

    // The next ingest, listing the folder on the worker thread as a large ingest does: every page as recorded is left
    // alone; one page edited by hand and one new version are rewritten; a page no paper has any more is removed.
    writeFileSync(path.join(worker, "paper-0003.md"), "edited by hand\n");
    writeFileSync(path.join(worker, "paper-gone.md"), "a paper since removed\n");
    const listing = onWorker("listPages", [worker]).then(([files]) => files);
    assert.deepEqual(await listing, listPages(worker));
    const next = pages();
    next[7] = { ...next[7], text: () => "---\ntitle: Paper 7, corrected\n---\n", fingerprint: "7:corrected" };
    const c = await syncPages(worker, next, b.records, known, viaWorker, listing);
    assert.deepEqual([c.written, c.unchanged, c.removed], [2, 998, 1]);
    assert.ok(!readdirSync(worker).includes("paper-gone.md"));
    assert.equal(readFileSync(path.join(worker, "paper-0003.md"), "utf8"), pages()[3].text());
    assert.equal(readFileSync(path.join(worker, "paper-0007.md"), "utf8"), "---\ntitle: Paper 7, corrected\n---\n");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a page the worker thread cannot write fails the ingest with the file's name", async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "write-pages-"));
  try {
    const bad = pages().map((p, i) => (i === 600 ? { ...p, file: "missing-folder/paper.md" } : p));
    await assert.rejects(syncPages(dir, bad, new Map(), memo(), viaWorker), /missing-folder\/paper\.md/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
