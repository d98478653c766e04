// Hostile and damaged dumps (test/fixtures/hostile/) built into a real site: text stays text, damage is reported by
// file and line, nothing is executed, nothing lost. One build is shared by the assertions; failure cases build again.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build, root } from "../scripts/build.ts";
import { removeBuildCache } from "./helpers/cache.ts";
import { readFrontMatter } from "../scripts/frontmatter.ts";
import { decodeDump } from "../scripts/dumps-file.ts";
import { swapIn } from "../scripts/io.ts";
import { markOurs } from "../scripts/output-marker.ts";
import { createMarkdown } from "../scripts/eleventy/markdown.ts";
import { katexOptions } from "../scripts/katex-options.ts";
import { BAD_VALUE_CASES, CUT_TITLE, DATED_CASES, FORGED_NAME, FORGED_TITLE, FULL_ABSTRACT, ONE_BAD_BYTE, RLO_TITLE, TEXT_STAGE_KNOWN_MATH, hostileEntries } from "./fixtures/hostile/cases.ts";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { find, hasClass, htmlFiles, parseHtml, readHtml, squash, textOf, unsafeMarkup, type Node } from "./helpers/html.ts";

const FIXTURES = fileURLToPath(new URL("./fixtures/hostile/dumps/", import.meta.url));
const SITE_NAME = "Paper Catalogue";

interface CatalogueJson {
  papers: { url: string; title: string; abstract: string; sources: { file: string; line: number; title: string }[] }[];
  rejected: { file: string; line: number; reason: string }[];
}

/** Dumps folders made by tempDumps: their generated pages and caches are removed at the end. */
const made: string[] = [];

/** A temp folder holding a copy of the fixture dumps (the registry is written beside the dumps folder). */
function tempDumps(): { dir: string; dumps: string; out: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), "hostile-"));
  made.push(path.join(dir, "dumps"));
  cpSync(FIXTURES, path.join(dir, "dumps"), { recursive: true });
  // Compact layout, the last entry cut off (no final newline, mid-sentence): a warning names the file and quotes the title.
  const forged = ["Get trending papers in your email inbox once a day!", "Get trending papers in your email inbox!", "SubscribeA Paper In A Dump With A Forged Name", "Its file name holds an escape sequence that clears a terminal and a newline followed by a fake report line.", FORGED_TITLE, "This abstract stops in the middle of a"];
  writeFileSync(path.join(dir, "dumps", FORGED_NAME), forged.join("\n"));
  return { dir, dumps: path.join(dir, "dumps"), out: path.join(dir, "site") };
}

/** A marker in a file outside the dumps folder, laid out as a dump: linked from the dumps folder, it must never be read. */
const SECRET = `SECRET-${process.pid}-OUTSIDE-THE-DUMPS`;

/** Entries of the dumps folder that are not dumps, made at run time (git keeps neither pipes nor links to /etc). */
const NON_DUMPS: [name: string, what: string][] = [
  ["09-link-to-secret.txt", "symbolic link to a path outside the dumps folder"],
  ["10-link-to-passwd.txt", "symbolic link to a path outside the dumps folder"],
  ["11-dangling-link.txt", "symbolic link to nothing \\(dangling\\)"],
  ["12-subfolder", "folder"],
  ["13-pipe.txt", "named pipe \\(FIFO\\)"],
];

function addNonDumps(t: ReturnType<typeof tempDumps>): void {
  const secret = path.join(t.dir, "secret.txt");
  writeFileSync(secret, `Daily Papers\n\n${SECRET} Title\n\nThe ${SECRET} abstract is long enough to be read as the abstract of a paper.\n`);
  symlinkSync(secret, path.join(t.dumps, "09-link-to-secret.txt"));
  symlinkSync("/etc/passwd", path.join(t.dumps, "10-link-to-passwd.txt"));
  symlinkSync(path.join(t.dir, "gone.txt"), path.join(t.dumps, "11-dangling-link.txt"));
  mkdirSync(path.join(t.dumps, "12-subfolder"));
  writeFileSync(path.join(t.dumps, "12-subfolder", "inner.txt"), readFileSync(secret));
  assert.equal(spawnSync("mkfifo", [path.join(t.dumps, "13-pipe.txt")]).status, 0, "mkfifo makes a named pipe");
}

/** Every file under `dir` (relative path → SHA-256 of its bytes). */
function tree(dir: string): Map<string, string> {
  return new Map(
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => path.join(e.parentPath, e.name))
      .sort()
      .map((f) => [path.relative(dir, f), createHash("sha256").update(readFileSync(f)).digest("hex")]),
  );
}

/** TeX text-mode syntax that the text stage may legitimately read as LaTeX: braces, backticks, `~`, `''`. */
const TEX_LIKE = /[{}`~]|''/;

let tmp: ReturnType<typeof tempDumps>;
let report = "";
let cat: CatalogueJson;

function pageOf(url: string): Node {
  return readHtml(path.join(tmp.out, url, "index.html"));
}
function paperBySource(file: string, title: string) {
  const p = cat.papers.find((q) => q.sources.some((s) => s.file === file && squash(s.title) === squash(title)));
  assert.ok(p, `no paper for ${file}: ${JSON.stringify(title)}`);
  return p;
}
function shownTitle(doc: Node): { h1: string; title: string } {
  const h1 = find(doc, (e) => e.name === "h1");
  const title = find(doc, (e) => e.name === "title");
  return { h1: squash(textOf(h1!)), title: squash(textOf(title!)) };
}
function shownAbstract(doc: Node): string {
  const section = find(doc, (e) => e.name === "section" && hasClass(e, "abstract"))!;
  const paras = (section.children ?? []).filter((c) => c.name !== "h2");
  return squash(paras.map(textOf).join(" "));
}

before(async () => {
  tmp = tempDumps();
  addNonDumps(tmp);
  const r = await build({ dumps: tmp.dumps, out: tmp.out, base: "/", strict: false, log: () => {} });
  assert.equal(r.ok, true);
  report = r.report;
  cat = JSON.parse(readFileSync(path.join(tmp.out, "catalogue.json"), "utf8")) as CatalogueJson;
});
after(() => {
  rmSync(tmp.dir, { recursive: true, force: true });
  for (const d of made) removeBuildCache(d, path.join(path.dirname(d), "site"));
});

describe("damaged dumps are reported by file and line, the rest builds", () => {
  test("a Windows-1252 file is decoded with a warning naming the file and the first bad line", () => {
    assert.match(report, /03-windows-1252\.txt:13: not valid UTF-8: decoded as Windows-1252/);
    const p = paperBySource("03-windows-1252.txt", "Café Networks: “Smart” Quotes and the € Sign");
    assert.equal(shownTitle(pageOf(p.url)).h1, "Café Networks: “Smart” Quotes and the € Sign");
    assert.match(p.abstract, /naïve résumé/);
  });
  test("an empty file is reported and skipped", () => assert.match(report, /04-empty\.txt: file is empty/));
  test("a binary file is reported and skipped", () => assert.match(report, /05-binary\.txt: binary file/));
  test("a file of unknown layout is rejected at line 1 and listed in catalogue.json", () => {
    assert.match(report, /06-unknown-layout\.csv:1: unknown layout/);
    assert.ok(cat.rejected.some((r) => r.file === "06-unknown-layout.csv" && r.line === 1));
  });
  test("a truncated last entry is reported with its line and kept", () => {
    assert.match(report, /00-truncated-last-entry\.txt:17: last entry "Cut-Off Abstracts Never Replace Full Ones" looks cut off/);
  });
  test("a cut-off duplicate never replaces the full abstract, even when its file sorts first", () => {
    const p = paperBySource("00-truncated-last-entry.txt", CUT_TITLE);
    assert.deepEqual(p.sources.map((s) => s.file), ["00-truncated-last-entry.txt", "02-bom-crlf.txt"]);
    assert.equal(p.abstract, FULL_ABSTRACT);
    assert.equal(shownAbstract(pageOf(p.url)), FULL_ABSTRACT);
  });
  test("a UTF-8 file with a byte order mark and CRLF line endings reads cleanly, with a warning for each naming the file", () => {
    assert.match(report, /02-bom-crlf\.txt:1: UTF-8 byte order mark removed/);
    assert.match(report, /02-bom-crlf\.txt:1: Windows line endings \(CRLF\) read as plain line ends/);
    const p = paperBySource("02-bom-crlf.txt", "Byte Order Marks and CRLF Line Endings Are Harmless");
    assert.doesNotMatch(JSON.stringify(p), /\uFEFF|\r/);
    assert.match(p.abstract, /résumé naïve stay intact\.$/);
  });
  test("every readable entry of the hostile dump became a page", () => {
    for (const e of hostileEntries()) paperBySource("01-hostile.txt", e.title);
  });
});

describe("only dumps are read", () => {
  test("links, a dangling link, a subfolder and a named pipe in the dumps folder are skipped with a warning naming each, and the build finishes", () => {
    for (const [name, what] of NON_DUMPS) assert.match(report, new RegExp(`\\n  ${name.replace(".", "\\.")}: ${what}: skipped, not read`), name);
  });
  test("nothing of a file linked from outside the dumps folder (/etc/passwd included) or of a file that is not a dump appears anywhere in the site", () => {
    const leaks: string[] = [];
    for (const f of tree(tmp.out).keys()) {
      const text = readFileSync(path.join(tmp.out, f), "latin1");
      for (const s of [SECRET, "root:x:0:0", "Some abstract that is long enough", '"Some Paper"', "title,abstract"]) if (text.includes(s)) leaks.push(`${f}: ${s}`);
    }
    assert.deepEqual(leaks, []);
    assert.doesNotMatch(report, new RegExp(`${SECRET}|root:x:0:0|Some Paper`));
    const csv = cat.rejected.filter((r) => r.file === "06-unknown-layout.csv");
    assert.deepEqual(csv.map((r) => r.line), [1]);
  });
  test("one byte that is not UTF-8 spoils only its own line: every entry of its file keeps its title, abstract, date and URL", () => {
    for (const e of ONE_BAD_BYTE) {
      const p = paperBySource("08-one-bad-byte.txt", e.title) as CatalogueJson["papers"][number] & { date: string | null };
      assert.deepEqual([p.title, p.abstract, p.date, p.url], [e.title, e.abstract, e.date, `/papers/${e.slug}/`]);
    }
    assert.match(report, /08-one-bad-byte\.txt:21: bytes not valid UTF-8: this line read as Windows-1252/);
    assert.equal(report.match(/08-one-bad-byte\.txt/g)?.length, 2, "one warning for the file, besides its line in the list of dumps read");
  });
});

describe("an input with no papers stops before Eleventy, with exit 1 and a message naming the dumps folder; the previous site is untouched", () => {
  const cases: [string, (dumps: string) => void, RegExp][] = [
    ["an empty dumps folder (but for a hidden file)", (d) => writeFileSync(path.join(d, ".DS_Store"), "x"), /build failed: dumps folder ".*" holds no dump files \(names starting with "\." are not dumps\); nothing to build/],
    ["a dumps folder of links and folders only", (d) => (symlinkSync("/etc/passwd", path.join(d, "passwd.txt")), mkdirSync(path.join(d, "sub"))), /build failed: dumps folder ".*" holds only entries that are not dumps \("passwd\.txt", "sub": /],
    ["a dumps folder whose every entry is rejected", (d) => (writeFileSync(path.join(d, "notes.csv"), "a,b\n1,2\n"), writeFileSync(path.join(d, "empty.txt"), "")), /No papers: every entry of the dumps in ".*" was rejected or could not be read \(see the report above\): site not built/],
  ];
  for (const [name, fill, message] of cases) {
    test(name, () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), "no-papers-"));
      const dumps = path.join(dir, "dumps");
      mkdirSync(dumps);
      fill(dumps);
      const before = tree(tmp.out);
      try {
        const r = spawnSync(process.execPath, ["--import", "tsx", path.join(root, "scripts/build.ts"), "--dumps", dumps, "--out", tmp.out], { cwd: root, encoding: "utf8", timeout: 120_000 });
        assert.equal(r.status, 1, r.stderr);
        assert.match(r.stdout + r.stderr, message);
        assert.doesNotMatch(r.stdout + r.stderr, /Search index|Site written|Pagefind|not able to build an index/);
        assert.deepEqual(tree(tmp.out), before);
        assert.deepEqual(readdirSync(tmp.dir).filter((n) => n.includes(".staging-") || n.includes(".old-")), []);
      } finally {
        removeBuildCache(dumps);
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});

describe("hostile text stays text", () => {
  const entries = hostileEntries();
  const known = (text: string) => TEXT_STAGE_KNOWN_MATH.some((k) => text.includes(k));
  const plain = entries.filter((e) => !TEX_LIKE.test(e.title) && !known(e.title));
  const texLike = entries.filter((e) => TEX_LIKE.test(e.title) || known(e.title));

  test(`titles with HTML, YAML, Markdown, other scripts or punctuation show exactly as written (${plain.length} titles)`, () => {
    const wrong: string[] = [];
    for (const e of plain) {
      const p = paperBySource("01-hostile.txt", e.title);
      const doc = pageOf(p.url);
      const shown = shownTitle(doc);
      const math = find(find(doc, (x) => x.name === "h1")!, (x) => hasClass(x, "katex"));
      if (shown.h1 !== squash(e.title) || shown.title !== `${squash(e.title)} · ${SITE_NAME}` || p.title !== squash(e.title) || math) {
        wrong.push(`${JSON.stringify(e.title)} shown as ${JSON.stringify(shown.h1)}${math ? " (typeset as math)" : ""} / <title> ${JSON.stringify(shown.title)}`);
      }
    }
    assert.deepEqual(wrong, []);
  });

  test(`titles with braces, backticks, ~ or '' (template syntax, code spans) and URL-like titles show exactly as written (${texLike.length} titles)`, () => {
    const wrong: string[] = [];
    for (const e of texLike) {
      const p = paperBySource("01-hostile.txt", e.title);
      const shown = shownTitle(pageOf(p.url));
      if (shown.h1 !== squash(e.title)) wrong.push(`${JSON.stringify(e.title)} shown as ${JSON.stringify(shown.h1)}`);
    }
    assert.deepEqual(wrong, []);
  });

  test("abstracts carrying XSS payloads show as written (payload abstracts without TeX-like syntax)", () => {
    const wrong: string[] = [];
    for (const e of entries.filter((x) => !TEX_LIKE.test(x.abstract) && !known(x.abstract))) {
      const p = paperBySource("01-hostile.txt", e.title);
      const doc = pageOf(p.url);
      const shown = shownAbstract(doc);
      const math = find(find(doc, (x) => x.name === "section" && hasClass(x, "abstract"))!, (x) => hasClass(x, "katex"));
      if (shown !== squash(e.abstract) || math) wrong.push(`${JSON.stringify(e.abstract)} shown as ${JSON.stringify(shown)}${math ? " (typeset as math)" : ""}`);
    }
    assert.deepEqual(wrong, []);
  });

  test("no payload becomes an element, attribute, script or javascript: link on any page of the site", () => {
    const problems: string[] = [];
    const files = htmlFiles(tmp.out);
    assert.ok(files.length > 80);
    for (const f of files) for (const p of unsafeMarkup(readHtml(path.join(tmp.out, f)))) problems.push(`${f}: ${p}`);
    assert.deepEqual(problems, []);
  });

  test("every page carries the Content-Security-Policy meta without unsafe-inline scripts", () => {
    for (const f of htmlFiles(tmp.out)) {
      if (f.startsWith("pagefind")) continue;
      const doc = readHtml(path.join(tmp.out, f));
      const csp = find(doc, (e) => e.name === "meta" && (e.attribs?.["http-equiv"] ?? "").toLowerCase() === "content-security-policy");
      assert.ok(csp, `${f}: no CSP meta`);
      const scriptSrc = /script-src ([^;]*)/.exec(csp.attribs!.content)?.[1] ?? "";
      assert.doesNotMatch(scriptSrc, /'unsafe-inline'|'unsafe-eval'|\*|data:/, f);
    }
  });

  test("slugs are lowercase ASCII, non-empty, without dots or slashes", () => {
    for (const p of cat.papers) assert.match(p.url, /^\/papers\/[a-z0-9]+(?:-[a-z0-9]+)*\/$/);
    assert.equal(new Set(cat.papers.map((p) => p.url)).size, cat.papers.length);
  });
});

describe("feeds and other machine-readable files", () => {
  /** Every file under the site with one of these extensions (pagefind's own files excepted). */
  function filesEnding(ext: string, rel = ""): string[] {
    const out: string[] = [];
    for (const name of readdirSync(path.join(tmp.out, rel)).sort()) {
      const r = path.join(rel, name);
      if (r === "pagefind") continue;
      if (statSync(path.join(tmp.out, r)).isDirectory()) out.push(...filesEnding(ext, r));
      else if (name.endsWith(ext)) out.push(r);
    }
    return out;
  }

  test("dated hostile papers get their dates and pages, with the titles as written", () => {
    for (const c of DATED_CASES) {
      const p = paperBySource("07-hostile-dated.txt", c.title);
      assert.equal(shownTitle(pageOf(p.url)).h1, squash(c.title));
    }
  });

  test("every XML file (feeds, sitemaps) is well-formed, declares no DTD and carries hostile titles as text", () => {
    const xml = filesEnding(".xml");
    assert.ok(xml.some((f) => f.endsWith("feed.xml")));
    const titles = new Set<string>();
    for (const f of xml) {
      const text = readFileSync(path.join(tmp.out, f), "utf8");
      assert.equal(XMLValidator.validate(text), true, f);
      assert.doesNotMatch(text, /<!DOCTYPE|<!ENTITY/, f);
      const doc = new XMLParser({ ignoreAttributes: false, processEntities: true, htmlEntities: true }).parse(text) as { feed?: { entry?: unknown } };
      const entries = doc.feed?.entry === undefined ? [] : ([] as { title: unknown }[]).concat(doc.feed.entry as { title: unknown }[]);
      for (const e of entries) titles.add(String(typeof e.title === "object" && e.title !== null ? (e.title as Record<string, unknown>)["#text"] : e.title));
    }
    for (const c of DATED_CASES) assert.ok(titles.has(c.title), `no feed entry titled ${JSON.stringify(c.title)}`);
  });

  test("every JSON feed parses, and items carry titles as text and only http(s) or site URLs", () => {
    const feeds = filesEnding("feed.json");
    assert.ok(feeds.length > 0);
    const titles = new Set<string>();
    for (const f of feeds) {
      const feed = JSON.parse(readFileSync(path.join(tmp.out, f), "utf8")) as { items: { url?: string; id?: string; title?: string; content_html?: string }[] };
      for (const item of feed.items) {
        if (item.title) titles.add(item.title);
        assert.match(item.url ?? "/", /^(https?:\/\/|\/)/, f);
        if (item.content_html) assert.deepEqual(unsafeMarkup(parseHtml(item.content_html)), [], f);
      }
    }
    for (const c of DATED_CASES) assert.ok(titles.has(c.title), `no JSON feed item titled ${JSON.stringify(c.title)}`);
  });
});

describe("--strict", () => {
  test("turns every warning into a failing exit code whose message names the file and line, and writes no site", () => {
    const t = tempDumps();
    try {
      const r = spawnSync(process.execPath, ["--import", "tsx", path.join(root, "scripts/build.ts"), "--strict", "--dumps", t.dumps, "--out", t.out], {
        cwd: root,
        encoding: "utf8",
        timeout: 120_000,
      });
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stdout, /00-truncated-last-entry\.txt:17: last entry/);
      assert.match(r.stdout, /03-windows-1252\.txt:13: not valid UTF-8/);
      assert.match(r.stdout, /--strict: \d+ warnings and \d+ rejected entries/);
      assert.equal(existsSync(t.out), false);
    } finally {
      rmSync(t.dir, { recursive: true, force: true });
    }
  });
});

describe("a failed build leaves the previous site untouched", () => {
  /** A copy of the project's templates (content/ without dumps and generated pages) with `extra` files added. */
  function brokenContent(t: ReturnType<typeof tempDumps>, extra: Record<string, string>): string {
    const projectContent = path.join(root, "content");
    const content = path.join(t.dir, "content");
    cpSync(projectContent, content, {
      recursive: true,
      filter: (src) => {
        const rel = path.relative(projectContent, src);
        return !(rel === "dumps" || rel.startsWith("dumps" + path.sep) || rel.endsWith(".json") || (rel.startsWith("papers" + path.sep) && rel.endsWith(".md")));
      },
    });
    for (const [name, text] of Object.entries(extra)) writeFileSync(path.join(content, name), text);
    return content;
  }
  function snapshot(dir: string): Map<string, string> {
    return new Map(htmlFiles(dir).map((f) => [f, readFileSync(path.join(dir, f), "utf8")]));
  }

  test("when a template throws, the old output stays byte for byte and no staging folder is left", async () => {
    const t = tempDumps();
    try {
      markOurs(t.out); // a site an earlier build made
      writeFileSync(path.join(t.out, "index.html"), "<!doctype html><title>old site</title>");
      const content = brokenContent(t, { "broken.11ty.ts": 'export function render() { throw new Error("broken template"); }\n' });
      // Rejected by the failed render, not by the argument checks.
      await assert.rejects(build({ dumps: t.dumps, out: t.out, base: "/", strict: false, log: () => {}, content }), (e: Error) => e.name !== "ArgumentError");
      assert.deepEqual([...snapshot(t.out).keys()], ["index.html"]);
      assert.equal(readFileSync(path.join(t.out, "index.html"), "utf8"), "<!doctype html><title>old site</title>");
    } finally {
      rmSync(t.dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
    }
  });

  test("a failed render leaves no staging folder behind", async () => {
    const t = tempDumps();
    try {
      const content = brokenContent(t, { "broken.11ty.ts": 'export function render() { throw new Error("broken template"); }\n' });
      await assert.rejects(build({ dumps: t.dumps, out: t.out, base: "/", strict: false, log: () => {}, content }));
      await new Promise((r) => setTimeout(r, 3000));
      assert.deepEqual(readdirSync(t.dir).filter((n) => n.includes("staging") || n.includes(".old-")), []);
    } finally {
      rmSync(t.dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
    }
  });

  test("the staging folder a stopped build left behind is removed by the next build, and a running build's is not", async () => {
    const t = tempDumps();
    try {
      // A pid that no process has (above Linux's largest), and this test's own, which is running.
      const stopped = `${t.out}.staging-99999999`;
      const running = `${t.out}.staging-${process.ppid}`;
      for (const d of [stopped, running]) {
        markOurs(d);
        writeFileSync(path.join(d, "index.html"), "half-built");
      }
      assert.ok((await build({ dumps: t.dumps, out: t.out, base: "/", strict: false, log: () => {} })).ok);
      assert.equal(existsSync(stopped), false);
      assert.equal(readFileSync(path.join(running, "index.html"), "utf8"), "half-built");
      for (let i = 0; i < 100 && readdirSync(t.dir).some((n) => n.includes(".old-")); i++) await new Promise((r) => setTimeout(r, 100));
      assert.deepEqual(readdirSync(t.dir).filter((n) => n.includes(".old-")), []);
    } finally {
      rmSync(t.dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
    }
  });

  test("a content page with ---js, ---javascript or ---jsLegacy front matter fails the build without running its code", async () => {
    for (const lang of ["js", "javascript", "jsLegacy"]) {
      const t = tempDumps();
      const marker = path.join(t.dir, `pwned-${lang}`);
      try {
        markOurs(t.out); // a site an earlier build made
        writeFileSync(path.join(t.out, "index.html"), "old");
        const code = `{ title: (require("fs").writeFileSync(${JSON.stringify(marker)}, "x"), "pwned") }`;
        const content = brokenContent(t, { "evil.md": `---${lang}\n${code}\n---\nbody\n` });
        await assert.rejects(build({ dumps: t.dumps, out: t.out, base: "/", strict: false, log: () => {}, content }), (e: Error) => e.name !== "ArgumentError", `---${lang} was accepted`);
        assert.equal(existsSync(marker), false, `---${lang} front matter was executed`);
        assert.equal(readFileSync(path.join(t.out, "index.html"), "utf8"), "old");
      } finally {
        rmSync(t.dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
      }
    }
  });

  test("a swap puts the new output in place at once and removes the previous one in the background", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "swap-"));
    try {
      const target = path.join(dir, "site");
      markOurs(target);
      mkdirSync(path.join(target, "papers/a"), { recursive: true });
      writeFileSync(path.join(target, "papers/a/index.html"), "old");
      // What a removal stopped half-way left behind, and a folder of that name the build did not make (kept).
      markOurs(path.join(dir, ".site.old-1"));
      mkdirSync(path.join(dir, ".site.old-2"));
      writeFileSync(path.join(dir, ".site.old-2", "mine.txt"), "mine");
      mkdirSync(path.join(dir, "staging"));
      writeFileSync(path.join(dir, "staging/index.html"), "new");
      swapIn(path.join(dir, "staging"), target);
      assert.deepEqual(readdirSync(target), ["index.html"]);
      assert.equal(readFileSync(path.join(target, "index.html"), "utf8"), "new");
      for (let i = 0; i < 100 && readdirSync(dir).length > 2; i++) await new Promise((r) => setTimeout(r, 100));
      assert.deepEqual(readdirSync(dir), [".site.old-2", "site"]);
      assert.equal(readFileSync(path.join(dir, ".site.old-2", "mine.txt"), "utf8"), "mine");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a swap that cannot complete puts the previous output back", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "swap-"));
    try {
      const target = path.join(dir, "site");
      mkdirSync(target);
      writeFileSync(path.join(target, "index.html"), "old");
      assert.throws(() => swapIn(path.join(dir, "missing-staging"), target));
      assert.equal(readFileSync(path.join(target, "index.html"), "utf8"), "old");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("front matter is YAML only", () => {
  test("scripts/frontmatter.ts refuses JavaScript and CoffeeScript front matter without evaluating it", () => {
    for (const lang of ["js", "JS", "javascript", "JavaScript", "jsLegacy", "coffee", "node"]) {
      (globalThis as Record<string, unknown>).__pwned = undefined;
      assert.throws(() => readFrontMatter(`---${lang}\n{ title: (globalThis.__pwned = true, "x") }\n---\nbody\n`), /not allowed|not registered/, lang);
      assert.equal((globalThis as Record<string, unknown>).__pwned, undefined, `${lang} front matter ran`);
    }
  });
});

describe("defence in depth", () => {
  test("a stray control character is removed with a warning naming the line; the rest of the file is kept", () => {
    const r = decodeDump("stray.txt", Buffer.from("Daily Papers\nA title\u0007 with a bell\nan abstract\u0000 with a NUL\n"));
    assert.equal(r.text, "Daily Papers\nA title with a bell\nan abstract with a NUL\n");
    assert.deepEqual(r.warnings, [{ file: "stray.txt", line: 2, message: "2 control characters (not text) removed" }]);
  });

  test("markdown-it has raw HTML, linkify and typographer off, and KaTeX runs with trust:false", () => {
    const md = createMarkdown();
    assert.equal(md.options.html, false);
    assert.equal(md.options.linkify, false);
    assert.equal(katexOptions.trust, false);
    const out = md.render("$\\href{javascript:alert(1)}{x}\\url{javascript:alert(2)}\\htmlClass{x}{y}$ <b onmouseover=alert(3)>b</b>");
    const problems = unsafeMarkup(parseHtml(`<div>${out}</div>`));
    assert.deepEqual(problems, []);
    assert.doesNotMatch(out, /<a |<b /);
  });
});

/** Embeddings, overrides and isolates a text leaves open at its end, counted as UAX #9 pairs them (0: text after it is unaffected). */
function openBidi(s: string): number {
  const open: string[] = [];
  for (const c of s) {
    if ("\u202a\u202b\u202d\u202e".includes(c)) open.push("e");
    else if ("\u2066\u2067\u2068".includes(c)) open.push("i");
    else if (c === "\u202c" && open.at(-1) === "e") open.pop();
    else if (c === "\u2069" && open.includes("i")) open.length = open.lastIndexOf("i");
  }
  return open.length;
}

describe("values the catalogue cannot show as written", () => {
  type Shown = { url: string; title: string; date: string | null; upvotes?: number | null; sources: { file: string; title: string }[] };
  const shown = (title: string) => (cat.papers as unknown as Shown[]).find((p) => p.sources.some((s) => s.file === "12-bad-values.txt" && s.title === title))!;

  test("a title with an open right-to-left override is isolated in HTML (dir=auto) and closed before what follows it in plain text", () => {
    const p = shown(RLO_TITLE);
    assert.ok(p.title.startsWith(RLO_TITLE));
    assert.equal(openBidi(p.title), 0, "catalogue.json title leaves an override open");
    const doc = pageOf(p.url);
    const h1 = find(doc, (e) => e.name === "h1")!;
    assert.equal(h1.attribs?.dir, "auto");
    const title = textOf(find(doc, (e) => e.name === "title")!);
    assert.ok(title.endsWith(` · ${SITE_NAME}`), title);
    assert.ok(title.startsWith(RLO_TITLE));
    assert.equal(openBidi(title.slice(0, -` · ${SITE_NAME}`.length)), 0, "<title>: the site name after the title is reversed");
    const ogTitle = find(doc, (e) => e.name === "meta" && e.attribs?.property === "og:title");
    if (ogTitle) assert.equal(openBidi(ogTitle.attribs!.content), 0);
    // The date listing holds it with other papers: its link is isolated from the date and topics after it.
    const listing = readHtml(path.join(tmp.out, "dates/2024/03/index.html"));
    const link = find(listing, (e) => e.name === "a" && hasClass(e, "paper-title") && textOf(e).startsWith(RLO_TITLE));
    assert.equal(link?.attribs?.dir, "auto");
    const feed = readFileSync(path.join(tmp.out, "feed.xml"), "utf8");
    const entry = feed.split("<entry>").find((e) => e.includes("Bidi Overrides"));
    assert.ok(entry, "the dated RLO paper is in the Atom feed");
    assert.equal(openBidi(/<title[^>]*>([^<]*)<\/title>/.exec(entry)![1]), 0, "feed title leaves an override open");
  });

  test("upvotes beyond the safe integer range are reported with file:line and the value, and left out; a safe count shows exactly", () => {
    assert.match(report, /12-bad-values\.txt:19: upvote count 99999999999999999999 \(20 digits\) is too large/);
    assert.match(report, /12-bad-values\.txt:27: upvote count 9007199254740993 \(16 digits\) is too large/);
    for (const c of BAD_VALUE_CASES) {
      const p = shown(c.title);
      assert.equal(p.upvotes ?? null, c.upvotes, c.title);
      const facts = squash(textOf(find(pageOf(p.url), (e) => e.name === "p" && hasClass(e, "facts"))!));
      if (c.upvotes === null) assert.doesNotMatch(facts, /upvote|e\+?20|9007199254740992/, facts);
      else assert.match(facts, new RegExp(`${c.upvotes} upvotes`));
    }
  });

  test("years 9999 and 0050 are both refused with a warning naming file:line and the date; the papers stay, undated", () => {
    assert.match(report, /12-bad-values\.txt:43: date "Mar 10, 9999 4": year 9999 is outside 1900–2100/);
    assert.match(report, /12-bad-values\.txt:51: date "Mar 11, 0050 4": year 0050 is outside 1900–2100/);
    for (const c of BAD_VALUE_CASES) assert.equal(shown(c.title).date, c.date, c.title);
  });

  test("a file name with an escape sequence and newlines, and a title with a bidi override, are printed as visible escapes: no report line is forged", () => {
    assert.doesNotMatch(report, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/, "a raw control character in the report");
    const counts = report.split("\n").filter((l) => l.startsWith("Warnings:"));
    assert.equal(counts.length, 1, counts.join(" | "));
    assert.notEqual(counts[0], "Warnings: 0");
    assert.ok(report.includes("08-\\x1b[2J\\x1b[H\\x0aWarnings: 0\\x0a.txt"), "the file name is shown with its escapes");
    assert.ok(report.includes("A Cut Title With \\u202ean Override"), "the title in the warning is shown with its escape");
  });
});
