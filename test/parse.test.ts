// Parser fixtures: every test/fixtures/parse/NAME.txt must parse to NAME.json (set UPDATE_FIXTURES=1 to rewrite after review).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import path from "node:path";
import { parseDump } from "../scripts/stages/parse.ts";

const dir = path.join(import.meta.dirname, "fixtures/parse");

for (const name of readdirSync(dir).filter((f) => f.endsWith(".txt")).sort()) {
  test(`parses ${name} as its fixture says`, () => {
    const actual = parseDump(name, readFileSync(path.join(dir, name), "utf8"));
    const expectedFile = path.join(dir, name.replace(/\.txt$/, ".json"));
    if (process.env.UPDATE_FIXTURES && !existsSync(expectedFile)) writeFileSync(expectedFile, JSON.stringify(actual, null, 2) + "\n");
    assert.deepEqual(actual, JSON.parse(readFileSync(expectedFile, "utf8")));
  });
}

test("recognises the layout by structure, not by file name", () => {
  const text = readFileSync(path.join(dir, "compact.txt"), "utf8");
  assert.equal(parseDump("000_looks_like_a_page.txt", text).layout, "compact");
});
