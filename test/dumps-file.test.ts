// Reading the dumps folder: only regular files are read (links, folders, pipes are skipped with a warning naming them),
// and a byte that is not UTF-8 spoils only its own line; the rest of the file reads exactly as without it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { root } from "../scripts/build.ts";
import { decodeDump, readDumpFiles, readDumps } from "../scripts/dumps-file.ts";
import { readYaml } from "../scripts/io.ts";
import { catalogueStages, initialState, runPipeline } from "../scripts/pipeline.ts";
import { validateTaxonomy } from "../scripts/stages/classify.ts";
import { ingest } from "../scripts/ingest.ts";
import type { Warning } from "../scripts/types.ts";

const DUMPS = path.join(root, "content/dumps");
const TAXONOMY = path.join(root, "content/taxonomy.yaml");
/** The bundled dump in the page layout with authors/date blocks (`•` and `·` are multi-byte UTF-8). */
const PAGE_WITH_META = readdirSync(DUMPS).find((f) => f.startsWith("000_"))!;

/** What a dump's papers show: title, abstract, date, upvotes, authors, slug, and where each was read. */
async function papersOf(file: string, bytes: Buffer) {
  const decoded = decodeDump(file, bytes);
  assert.notEqual(decoded.text, null);
  const taxonomy = validateTaxonomy(readYaml(TAXONOMY, null), TAXONOMY);
  const s = await runPipeline(initialState({ dumps: [{ file, text: decoded.text! }], warnings: decoded.warnings, registry: [], taxonomy, overrides: { file: "overrides.yaml", data: {}, lines: new Map() } }), undefined, null, catalogueStages);
  const papers = s.papers.map((p) => ({ line: p.sources[0].line, title: p.title.plain, abstract: p.abstract.plain, date: p.date, upvotes: p.upvotes, authors: p.authors, slug: p.slug }));
  return { papers: papers.sort((a, b) => a.line - b.line), warnings: s.warnings, rejected: s.rejected };
}

/** `bytes` with `insert` put at the start of column `col` (0-based, in bytes) of 1-based line `line`. */
function damage(bytes: Buffer, line: number, col: number, insert: number[]): Buffer {
  let at = 0;
  for (let l = 1; l < line; l++) at = bytes.indexOf(10, at) + 1;
  return Buffer.concat([bytes.subarray(0, at + col), Buffer.from(insert), bytes.subarray(at + col)]);
}

test("one byte that is not UTF-8 in a page-layout dump spoils only its own line: every other paper keeps its title, abstract, date and slug", async () => {
  const clean = readFileSync(path.join(DUMPS, PAGE_WITH_META));
  const before = await papersOf(PAGE_WITH_META, clean);
  assert.ok(before.papers.length > 20 && before.papers.every((p) => p.date !== null), "the clean dump's papers are all dated");
  // A Latin-1 "é" (0xE9) inside the title of the tenth paper (an ASCII line), and a lone 0xFF in the authors line of the
  // twentieth paper, which also holds a UTF-8 character (`  • 5 authors`).
  const lines = clean.toString("utf8").split("\n");
  const titleLine = before.papers[9].line;
  const authorsLine = lines.findIndex((l, i) => i >= before.papers[19].line && l.includes("•")) + 1;
  assert.ok(authorsLine > before.papers[19].line && authorsLine < before.papers[20].line, "the twentieth paper has an authors line");
  const damaged = damage(damage(clean, titleLine, 4, [0xe9]), authorsLine, 6, [0xff]);
  const after = await papersOf(PAGE_WITH_META, damaged);

  assert.equal(after.papers.length, before.papers.length);
  assert.deepEqual(after.rejected, before.rejected);
  for (let i = 0; i < before.papers.length; i++) {
    if (i === 9 || i === 19) continue;
    assert.deepEqual(after.papers[i], before.papers[i], `paper ${i + 1} changed`);
  }
  const t = before.papers[9].title;
  assert.equal(after.papers[9].title, t.slice(0, 4) + "é" + t.slice(4), "the Latin-1 byte on an ASCII line reads as Windows-1252");
  assert.deepEqual({ ...after.papers[9], title: t, slug: before.papers[9].slug }, before.papers[9]);
  // The damaged authors line is not read (its byte becomes U+FFFD, as the line holds UTF-8); the date beside it is.
  assert.deepEqual(after.papers[19], { ...before.papers[19], authors: null });
  assert.ok(after.warnings.some((w) => w.line === authorsLine && /^unrecognised line in authors\/date block: ".*\uFFFD/.test(w.message)));

  const decodeWarnings = after.warnings.filter((w) => /UTF-8/.test(w.message));
  assert.deepEqual(
    decodeWarnings.map((w) => `${w.file}:${w.line}`),
    [`${PAGE_WITH_META}:${titleLine}`, `${PAGE_WITH_META}:${authorsLine}`],
  );
  assert.match(decodeWarnings[0].message, /this line read as Windows-1252/);
  assert.match(decodeWarnings[1].message, /replaced by U\+FFFD/);
});

test("lines that are not UTF-8 are each reported with their line, up to ten, then one warning counts the rest", () => {
  const text = ["Daily Papers", "Łojasiewicz gradient inequalities", ...Array.from({ length: 14 }, (_, i) => `line ${i + 3} caf\xe9`)].join("\n");
  const bytes = Buffer.from(text, "latin1");
  // The first two lines as UTF-8 (Ł is multi-byte), the rest with a Latin-1 é each.
  const utf8Head = Buffer.from("Daily Papers\nŁojasiewicz gradient inequalities\n", "utf8");
  const r = decodeDump("many.txt", Buffer.concat([utf8Head, bytes.subarray(bytes.indexOf("line 3"))]));
  assert.equal(r.text, ["Daily Papers", "Łojasiewicz gradient inequalities", ...Array.from({ length: 14 }, (_, i) => `line ${i + 3} café`)].join("\n"));
  assert.deepEqual(
    r.warnings.map((w) => w.line),
    [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13],
  );
  assert.match(r.warnings[10].message, /^4 more lines with bytes not valid UTF-8 \(lines 13–16\)/);
});

test("a file with no UTF-8 character at all is Windows-1252 as a whole: decoded so, with one warning naming its first such line", () => {
  const r = decodeDump("latin1.txt", Buffer.from("Daily Papers\nplain line\nCaf\xe9 \x93quoted\x94 \x80 sign\nna\xefve\n", "latin1"));
  assert.equal(r.text, "Daily Papers\nplain line\nCafé “quoted” € sign\nnaïve\n");
  assert.equal(r.warnings.length, 1);
  assert.deepEqual([r.warnings[0].line, /decoded as Windows-1252/.test(r.warnings[0].message), /2 lines/.test(r.warnings[0].message)], [3, true, true]);
});

/** A dumps folder holding one dump and every kind of entry that is not a dump, and a secret file outside it. */
function folderWithNonDumps() {
  const dir = mkdtempSync(path.join(os.tmpdir(), "dumps-folder-"));
  const dumps = path.join(dir, "dumps");
  mkdirSync(dumps);
  const marker = `SECRET-${process.pid}-NEVER-PUBLISHED`;
  // The secret is laid out as a dump, so that a link to it, if followed, would publish it as a paper.
  const secret = path.join(dir, "secret.txt");
  writeFileSync(secret, `Daily Papers\n\n${marker} title\n\nThe ${marker} abstract, long enough to be read as an abstract of a paper.\n`);
  writeFileSync(path.join(dumps, "a.txt"), readFileSync(path.join(DUMPS, PAGE_WITH_META)));
  symlinkSync(secret, path.join(dumps, "b-secret-link.txt"));
  symlinkSync("/etc/passwd", path.join(dumps, "c-passwd-link.txt"));
  symlinkSync(path.join(dir, "missing.txt"), path.join(dumps, "d-dangling.txt"));
  symlinkSync("a.txt", path.join(dumps, "e-inside-link.txt"));
  mkdirSync(path.join(dumps, "f-subfolder"));
  writeFileSync(path.join(dumps, "f-subfolder", "inner.txt"), readFileSync(secret));
  const fifo = spawnSync("mkfifo", [path.join(dumps, "g-pipe.txt")]);
  assert.equal(fifo.status, 0, "mkfifo (coreutils) makes a named pipe");
  // A character device (the numbers of /dev/null) where this user may make one (root, as in CI here).
  const device = spawnSync("mknod", [path.join(dumps, "h-device"), "c", "1", "3"]).status === 0;
  return { dir, dumps, marker, device, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

const EXPECTED_SKIPS: [string, RegExp][] = [
  ["b-secret-link.txt", /^symbolic link to a path outside the dumps folder: skipped, not read/],
  ["c-passwd-link.txt", /^symbolic link to a path outside the dumps folder: skipped, not read/],
  ["d-dangling.txt", /^symbolic link to nothing \(dangling\): skipped/],
  ["e-inside-link.txt", /^symbolic link to another entry of the dumps folder: skipped/],
  ["f-subfolder", /^folder: skipped/],
  ["g-pipe.txt", /^named pipe \(FIFO\): skipped/],
];

function assertSkips(warnings: Warning[]): void {
  for (const [file, message] of EXPECTED_SKIPS) {
    const w = warnings.filter((x) => x.file === file);
    assert.equal(w.length, 1, `one warning for ${file}: ${JSON.stringify(warnings)}`);
    assert.match(w[0].message, message);
  }
}

test("only regular files of the dumps folder are read: links, a dangling link, a subfolder, a named pipe and a device are skipped with a warning naming each, without blocking", { timeout: 20_000 }, () => {
  const f = folderWithNonDumps();
  try {
    if (f.device) assert.ok(readDumps(f.dumps).warnings.some((w) => w.file === "h-device" && /^device: skipped, not read/.test(w.message)));
    else console.log("# mknod not permitted for this user: the device case is not checked");
    const { files, skipped } = readDumpFiles(f.dumps);
    assert.deepEqual(files.map((x) => x.file), ["a.txt"]);
    assertSkips(skipped);
    const { dumps, warnings } = readDumps(f.dumps);
    assert.deepEqual(dumps.map((d) => d.file), ["a.txt"]);
    assertSkips(warnings);
    assert.doesNotMatch(JSON.stringify({ dumps, warnings }), new RegExp(`${f.marker}|root:x:0:0`));
  } finally {
    f.cleanup();
  }
});

test("entries that are not dumps are skipped on a rebuild from the cache too, also when one replaces a dump the last build read", { timeout: 120_000 }, async () => {
  const f = folderWithNonDumps();
  const state = path.join(f.dir, "state");
  mkdirSync(state);
  const run = () => ingest({ dumps: f.dumps, papersDir: path.join(f.dir, "papers"), state, taxonomy: TAXONOMY, cache: path.join(f.dir, "cache") });
  try {
    writeFileSync(path.join(f.dumps, "z.txt"), readFileSync(path.join(DUMPS, readdirSync(DUMPS).find((n) => n.startsWith("002_"))!)));
    const first = await run();
    assertSkips(first.state.warnings);
    // The dump z.txt the cache knows becomes a link to the secret, under the same name; a second link is added.
    rmSync(path.join(f.dumps, "z.txt"));
    symlinkSync(path.join(f.dir, "secret.txt"), path.join(f.dumps, "z.txt"));
    symlinkSync(path.join(f.dir, "secret.txt"), path.join(f.dumps, "zz.txt"));
    const second = await run();
    assertSkips(second.state.warnings);
    for (const name of ["z.txt", "zz.txt"]) assert.ok(second.state.warnings.some((w) => w.file === name && /^symbolic link to a path outside/.test(w.message)), name);
    assert.deepEqual(second.state.perDump.map((d) => d.file), ["a.txt"]);
    const papers = readdirSync(path.join(f.dir, "papers")).map((p) => readFileSync(path.join(f.dir, "papers", p), "utf8"));
    assert.equal(papers.length, second.state.papers.length);
    assert.doesNotMatch(JSON.stringify(second.state.papers) + papers.join("\n"), new RegExp(f.marker));
  } finally {
    f.cleanup();
  }
});
