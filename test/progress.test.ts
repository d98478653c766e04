// The build's progress display: stage, runs done of total and rate on a real terminal (a pseudo-terminal made by
// util-linux's `script`); nothing of it when the output is a pipe or CI is set.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { removeBuildState, root } from "../scripts/build.ts";

let work: string;
let dumps: string;
let out: string;

before(() => {
  work = mkdtempSync(path.join(os.tmpdir(), "catalogue-progress-"));
  dumps = path.join(work, "dumps");
  out = path.join(work, "site");
  cpSync(path.join(root, "content/dumps"), dumps, { recursive: true });
});

after(() => {
  removeBuildState(dumps, out);
  rmSync(work, { recursive: true, force: true });
});

/** The environment of a reader's shell: CI unset unless asked for. */
function env(ci: boolean): NodeJS.ProcessEnv {
  const e = { ...process.env };
  delete e.CI;
  if (ci) e.CI = "true";
  return e;
}

const buildArgs = () => ["--import", "tsx", path.join(root, "scripts/build.ts"), "--dumps", dumps, "--out", out];

/** Runs the build on a pseudo-terminal; returns what the terminal showed (standard output and error both). */
function buildOnTerminal(ci: boolean): string {
  const command = [process.execPath, ...buildArgs()].map((a) => `'${a}'`).join(" ");
  const r = spawnSync("script", ["-qec", command, "/dev/null"], { cwd: root, env: env(ci), encoding: "utf8", timeout: 120_000 });
  assert.equal(r.status, 0, `build on a terminal failed:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

const BAR = /\d+\/\d+ runs \| \d+ paper pages \| \d+ pages\/s/;

test("on a terminal the build shows each stage and a bar of runs done of total with pages per second", () => {
  const shown = buildOnTerminal(false);
  assert.match(shown, /▸ ingest/);
  assert.match(shown, /▸ eleventy/);
  assert.match(shown, /▸ pagefind/);
  assert.match(shown, BAR);
  assert.match(shown, /Site written to/);
});

test("with its output in a pipe the build prints its report but no progress", () => {
  const r = spawnSync(process.execPath, buildArgs(), { cwd: root, env: env(false), encoding: "utf8", timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  const printed = r.stdout + r.stderr;
  assert.match(printed, /Entries: 505; duplicates merged: 65; papers: 440/);
  assert.doesNotMatch(printed, /▸/);
  assert.doesNotMatch(printed, BAR);
});

test("with CI set the build shows no progress even on a terminal", () => {
  const shown = buildOnTerminal(true);
  assert.match(shown, /Site written to/);
  assert.doesNotMatch(shown, /▸/);
  assert.doesNotMatch(shown, BAR);
});
