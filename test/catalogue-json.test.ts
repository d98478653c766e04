// catalogue.json is written a paper at a time: the file must be exactly the whole catalogue's JSON.
import { test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { root } from "../scripts/build.ts";
import { ingest } from "../scripts/ingest.ts";
import { writeChunks } from "../scripts/io.ts";
import { catalogue, catalogueJson } from "../scripts/stages/write.ts";

test("catalogue.json written a paper at a time is the whole catalogue's JSON, with rejected entries, without, and empty", async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "catalogue-json-"));
  try {
    for (const [name, from] of [["bundled", "content/dumps"], ["hostile", "test/fixtures/hostile/dumps"]]) {
      const dumps = path.join(dir, name, "dumps");
      cpSync(path.join(root, from), dumps, { recursive: true });
      const { state } = await ingest({ dumps, papersDir: path.join(dir, name, "papers"), state: path.join(dir, name), taxonomy: path.join(root, "content/taxonomy.yaml"), cache: null });
      if (name === "hostile") assert.ok(state.rejected.length > 0, "the hostile fixtures have rejected entries");
      for (const s of [state, { ...state, rejected: [] }, { ...state, papers: [], rejected: [] }]) {
        const file = path.join(dir, name, "catalogue.json");
        writeChunks(file, catalogueJson(s));
        assert.equal(readFileSync(file, "utf8"), JSON.stringify(catalogue(s), null, 1) + "\n");
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
