// The build writes only where it may: --out is refused before any work when it is not a new, empty or built site
// folder, and every other argument is checked before the ingest. The CLI runs only against temporary folders; the
// project's own folders, the home folder and / are checked through the guard function, never built into.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { build, root } from "../scripts/build.ts";
import { ArgumentError, checkOutput } from "../scripts/arguments.ts";
import { MARKER, markOurs } from "../scripts/output-marker.ts";
import { removeAbandonedStaging } from "../scripts/io.ts";
import { removeBuildCache } from "./helpers/cache.ts";

const work = mkdtempSync(path.join(os.tmpdir(), "catalogue-out-safety-"));
const dumps = path.join(work, "project-like", "dumps");
mkdirSync(dumps, { recursive: true });
// One small bundled dump: enough for a real build, quick under load.
copyFileSync(path.join(root, "content/dumps/000_1275fc8230ab7f90.txt"), path.join(dumps, "000.txt"));
const built: string[] = [];

after(() => {
  for (const out of built) removeBuildCache(dumps, out);
  rmSync(work, { recursive: true, force: true });
});

/** Runs the build's CLI from the project folder. */
function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ["--import", "tsx", path.join(root, "scripts/build.ts"), ...(args.includes("--dumps") ? [] : ["--dumps", dumps]), ...args], { cwd: root, encoding: "utf8", timeout: 180_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Every file under `dir` with its bytes (hex), for comparing a folder before and after. */
function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) if (e.isFile()) files[path.relative(dir, path.join(e.parentPath, e.name))] = readFileSync(path.join(e.parentPath, e.name)).toString("hex");
  return files;
}

/** Asserts the CLI refused `out` (exit 1, one line naming it, no stack trace) and that `watched` is byte for byte as it was. */
function assertRefused(out: string, watched: string, reason: RegExp) {
  const before = snapshot(watched);
  const near = statSync(path.dirname(path.resolve(out)), { throwIfNoEntry: false })?.isDirectory() ? path.dirname(path.resolve(out)) : watched;
  const beside = readdirSync(near);
  const r = cli("--out", out);
  assert.equal(r.status, 1, `--out ${out} was accepted:\n${r.stdout}\n${r.stderr}`);
  const message = r.stderr.trim();
  assert.equal(message.split("\n").length, 1, `more than one line:\n${message}`);
  assert.ok(message.includes(path.resolve(out)), `message does not name ${out}: ${message}`);
  assert.match(message, reason);
  assert.doesNotMatch(message, /\n\s+at /);
  assert.deepEqual(snapshot(watched), before);
  // Nothing was made beside it either: no staging folder, no search documents.
  assert.deepEqual(readdirSync(near), beside);
}

test("refuses a folder of the user's own files, leaving every byte as it was", () => {
  const mine = path.join(work, "mine");
  mkdirSync(path.join(mine, "deep"), { recursive: true });
  writeFileSync(path.join(mine, "notes.txt"), "my notes\n");
  writeFileSync(path.join(mine, "deep", "photo.bin"), Buffer.from([0, 1, 2, 255]));
  assertRefused(mine, mine, /files the build did not make/);
});

test("refuses a regular file as the output", () => {
  const dir = path.join(work, "file-case");
  mkdirSync(dir);
  writeFileSync(path.join(dir, "thesis.tex"), "\\documentclass{article}\n");
  assertRefused(path.join(dir, "thesis.tex"), dir, /not a folder/);
  assertRefused(path.join(dir, "thesis.tex", "site"), dir, /thesis\.tex is a file/);
});

test("refuses the dumps folder itself, a folder inside it and the folder above it", () => {
  const parent = path.dirname(dumps);
  writeFileSync(path.join(parent, "readme.txt"), "beside the dumps\n");
  assertRefused(dumps, parent, /input folder .* itself/);
  assertRefused(path.join(dumps, "site"), parent, /inside the input folder/);
  assertRefused(parent, parent, /above the input folder/);
});

test("refuses a symbolic link to the dumps folder, naming where it points", () => {
  const link = path.join(work, "link-to-dumps");
  symlinkSync(dumps, link);
  const r = cli("--out", link);
  assert.equal(r.status, 1);
  assert.match(r.stderr, new RegExp(`a link to ${dumps.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));
  assert.deepEqual(readdirSync(dumps), ["000.txt"]);
});

test("refuses the project, its source folders, the home folder and / (checked by the guard, never built into)", () => {
  const keep = { project: root, inputs: [path.join(root, "content/dumps"), path.join(root, "content")], home: os.homedir() };
  const cases: [string, RegExp][] = [
    [root, /project's own folder/],
    [path.join(root, "content"), /above the input folder .*dumps/],
    [path.join(root, "content/dumps"), /input folder .*dumps itself/],
    [path.join(root, "scripts"), /project's scripts\/ folder/],
    [path.join(root, "layouts"), /project's layouts\/ folder/],
    [path.join(root, "scripts/site"), /inside the project's scripts\/ folder/],
    [path.join(root, "node_modules/.cache/site"), /inside the project's node_modules\/ folder/],
    [path.dirname(root), /above the project/],
    [os.homedir(), /home folder/],
    ["/", /root folder/],
  ];
  for (const [out, reason] of cases) {
    assert.throws(() => checkOutput(out, keep), (e: Error) => e instanceof ArgumentError && e.message.includes(path.resolve(out)) && reason.test(e.message), out);
  }
  // The project's own output folder is allowed: site/ (or a new folder beside it) is where it builds.
  assert.equal(checkOutput(path.join(root, "no-such-site-folder"), keep), path.join(root, "no-such-site-folder"));
});

test("refuses a folder in the way of the search documents kept beside the output", () => {
  const dir = path.join(work, "beside");
  mkdirSync(path.join(dir, ".site.search-pages"), { recursive: true });
  writeFileSync(path.join(dir, ".site.search-pages", "mine.txt"), "not the build's\n");
  assertRefused(path.join(dir, "site"), dir, /search-pages is in the way/);
});

test("accepts an empty folder and a missing path, and rebuilds a site it built", { timeout: 300_000 }, () => {
  const empty = path.join(work, "empty");
  mkdirSync(empty);
  const missing = path.join(work, "missing", "site");
  for (const out of [empty, missing]) {
    built.push(out);
    const r = cli("--out", out);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(existsSync(path.join(out, "index.html")), out);
    assert.ok(existsSync(path.join(out, MARKER)), `${out} has no marker`);
  }
  // A site the build made is rebuilt, and its page edited by hand is replaced.
  writeFileSync(path.join(empty, "index.html"), "edited");
  const again = cli("--out", empty);
  assert.equal(again.status, 0, again.stderr);
  assert.notEqual(readFileSync(path.join(empty, "index.html"), "utf8"), "edited");
});

test("checks --url, --base, --dumps and unknown options before the ingest: one line, exit 1, nothing written", () => {
  const out = path.join(work, "args-site");
  const own = path.join(work, "args", "dumps");
  mkdirSync(own, { recursive: true });
  copyFileSync(path.join(root, "content/dumps/000_1275fc8230ab7f90.txt"), path.join(own, "000.txt"));
  const cases: [string[], RegExp][] = [
    [["--url", "javascript:alert(1)"], /--url "javascript:alert\(1\)": use an http\(s\) URL/],
    [["--url", "not a url"], /--url "not a url"/],
    [["--base", "<script>"], /--base "<script>"/],
    [["--dumps", path.join(work, "no-such-dumps")], /--dumps .*no-such-dumps: no such folder/],
    [["--dumps", path.join(dumps, "000.txt")], /--dumps .*000\.txt: not a folder/],
    [["--colour"], /Unknown option '--colour'/],
  ];
  for (const [args, reason] of cases) {
    const r = cli("--out", out, ...(args[0] === "--dumps" ? args : ["--dumps", own, ...args]));
    assert.equal(r.status, 1, args.join(" "));
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    assert.match(r.stderr, reason);
    // The ingest never started: it writes the registry beside the dumps folder.
    assert.ok(!existsSync(path.join(work, "args", "permalinks.json")), `${args.join(" ")}: the ingest ran`);
    assert.ok(!existsSync(out), `${args.join(" ")}: the output was made`);
  }
});

test("programmatic builds get the same checks", async () => {
  await assert.rejects(build({ dumps, out: dumps, base: "/", strict: false, log: () => {} }), ArgumentError);
  await assert.rejects(build({ dumps, out: path.join(work, "p"), base: "/", url: "javascript:alert(1)", strict: false, log: () => {} }), ArgumentError);
  assert.deepEqual(readdirSync(dumps), ["000.txt"]);
});

test("removes a stopped build's staging folder only when the build made it", () => {
  const dir = path.join(work, "staging");
  mkdirSync(dir);
  // A process id that is not running: larger than any Linux pid_max.
  const theirs = path.join(dir, "site.staging-99999998");
  const abandoned = path.join(dir, "site.staging-99999999");
  mkdirSync(theirs);
  writeFileSync(path.join(theirs, "keep.txt"), "a user's folder with an unlucky name\n");
  markOurs(abandoned);
  assert.equal(removeAbandonedStaging(path.join(dir, "site")), 1);
  assert.deepEqual(snapshot(theirs), { "keep.txt": Buffer.from("a user's folder with an unlucky name\n").toString("hex") });
  assert.ok(!existsSync(abandoned));
});
