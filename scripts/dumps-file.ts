// The dumps folder: which of its entries are read (regular files only), their bytes and hashes, and decoding them to text.
import { closeSync, constants, existsSync, fstatSync, lstatSync, openSync, readdirSync, readFileSync, realpathSync, statSync, type Stats } from "node:fs";
import { isUtf8 } from "node:buffer";
import { hash } from "node:crypto";
import path from "node:path";
import iconv from "iconv-lite";
import type { Warning } from "./types.ts";

export interface DumpFile {
  file: string;
  text: string;
  /** Hash of the file's bytes (cache keys of what is read from it); absent for text that did not come from a file. */
  hash?: string;
}

/** Reads every regular file in the dumps folder (sorted by name), decoding UTF-8 (with or without BOM), UTF-16 or Windows-1252. */
export function readDumps(dir: string): { dumps: DumpFile[]; warnings: Warning[] } {
  const { files, skipped } = readDumpFiles(dir);
  const decoded = decodeDumps(files);
  return { dumps: decoded.dumps, warnings: [...skipped, ...decoded.warnings] };
}

/** A dump file's bytes, not yet decoded (read on first use), their hash and the file's stamp. */
export interface DumpBytes {
  file: string;
  size: number;
  hash: string;
  stamp: DumpStamp;
  bytes: () => Buffer;
}

/**
 * What a dump file looked like when its hash was taken: a file whose size, times and inode are the same is taken to
 * hold the same bytes (as git and make take it), unless it changed less than STAMP_MARGIN_MS before the hash was taken
 * (a second change within the same clock tick would leave the times as they were).
 */
export interface DumpStamp {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
  /** When the hash was taken (epoch ms). */
  at: number;
  hash: string;
}

const STAMP_MARGIN_MS = 2000;

/**
 * The entries of the dumps folder that are dumps: regular files, sorted by name (hidden files are not dumps, and are
 * passed over without a word: `.DS_Store`, `.gitkeep`). Every other entry (symbolic link, folder, named pipe, device,
 * socket) is skipped with a warning naming it, and never opened: a link may point anywhere (its target's lines would
 * be published), a pipe or a device would block the read. A symbolic link is skipped even when it points to a dump in
 * the folder, which is read under its own name. Throws, naming the folder, when it is missing or not a folder.
 */
export function listDumps(dir: string): { files: { file: string; st: Stats }[]; skipped: Warning[] } {
  if (!existsSync(dir)) throw new Error(`dumps folder ${dir} does not exist`);
  if (!statSync(dir).isDirectory()) throw new Error(`dumps folder ${dir} is not a folder`);
  const real = realpathSync(dir);
  const files: { file: string; st: Stats }[] = [];
  const skipped: Warning[] = [];
  for (const file of readdirSync(dir).sort()) {
    if (file.startsWith(".")) continue;
    const full = path.join(dir, file);
    const st = lstatSync(full, { throwIfNoEntry: false });
    if (st?.isFile()) files.push({ file, st });
    else skipped.push({ file, line: 0, message: `${st ? notADump(full, st, real) : "removed while the folder was read"}: skipped, not read (only regular files in the dumps folder are dumps)` });
  }
  return { files, skipped };
}

/** What a folder entry that is not a regular file is, in words. */
function notADump(full: string, st: Stats, dir: string): string {
  if (st.isSymbolicLink()) {
    let target: string;
    try {
      target = realpathSync(full);
    } catch {
      return "symbolic link to nothing (dangling)";
    }
    const rel = path.relative(dir, target);
    return rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? "symbolic link to another entry of the dumps folder" : "symbolic link to a path outside the dumps folder";
  }
  if (st.isDirectory()) return "folder";
  if (st.isFIFO()) return "named pipe (FIFO)";
  if (st.isSocket()) return "socket";
  return st.isBlockDevice() || st.isCharacterDevice() ? "device" : "not a regular file";
}

/**
 * Every dump file of the folder (listDumps) and the entries skipped. A file whose stamp matches one in `known` (name →
 * stamp of an earlier read) keeps that hash and is read only if its bytes are asked for: at 100,000 papers reading and
 * hashing every dump took about 2 s of each rebuild.
 */
export function readDumpFiles(dir: string, known?: Map<string, DumpStamp>): { files: DumpBytes[]; skipped: Warning[] } {
  const { files: listed, skipped } = listDumps(dir);
  const files: DumpBytes[] = [];
  for (const { file, st } of listed) {
    const full = path.join(dir, file);
    const was = known?.get(file);
    const same = was !== undefined && was.size === st.size && was.mtimeMs === st.mtimeMs && was.ctimeMs === st.ctimeMs && was.ino === st.ino && st.mtimeMs + STAMP_MARGIN_MS < was.at && st.ctimeMs + STAMP_MARGIN_MS < was.at;
    if (same) {
      let bytes: Buffer | undefined;
      files.push({ file, size: st.size, hash: was.hash, stamp: was, bytes: () => (bytes ??= readRegular(full)) });
      continue;
    }
    const at = Date.now();
    const bytes = readRegular(full);
    const h = hash("sha256", bytes, "base64url").slice(0, 22);
    files.push({ file, size: bytes.length, hash: h, stamp: { size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino, at, hash: h }, bytes: () => bytes });
  }
  return { files, skipped };
}

/**
 * The bytes of a file that was a regular file when listed. Opened without following a link and without waiting on a
 * pipe, then checked again: an entry replaced by a link or a pipe since it was listed is refused, not followed.
 */
function readRegular(full: string): Buffer {
  const fd = openSync(full, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    if (!fstatSync(fd).isFile()) throw new Error(`${full}: no longer a regular file; not read`);
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}

export function decodeDumps(files: DumpBytes[]): { dumps: DumpFile[]; warnings: Warning[] } {
  const dumps: DumpFile[] = [];
  const warnings: Warning[] = [];
  for (const f of files) {
    const decoded = decodeDump(f.file, f.bytes());
    for (const w of decoded.warnings) warnings.push(w);
    if (decoded.text !== null) dumps.push({ file: f.file, text: decoded.text, hash: f.hash });
  }
  return { dumps, warnings };
}

export function decodeDump(file: string, bytes: Buffer): { text: string | null; warnings: Warning[] } {
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) {
    const enc = bytes[0] === 0xff ? "utf16le" : "utf16be";
    return withoutControls(file, iconv.decode(bytes.subarray(2), enc), [{ file, line: 0, message: `decoded as ${enc.toUpperCase()} (byte order mark)` }]);
  }
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const body = bom ? bytes.subarray(3) : bytes;
  // Harmless, but said: --strict asks for clean input, and the issue is easy to fix at the source.
  const notes: Warning[] = bom ? [{ file, line: 1, message: "UTF-8 byte order mark removed" }] : [];
  const crlf = body.indexOf("\r\n");
  if (crlf !== -1) notes.push({ file, line: body.subarray(0, crlf).toString("latin1").split("\n").length, message: "Windows line endings (CRLF) read as plain line ends" });
  let controls = 0;
  for (let i = 0; i < body.length; i++) {
    const b = body[i];
    if (b < 32 && b !== 9 && b !== 10 && b !== 13) controls++;
  }
  // A text file with a stray control byte or two is kept (they are removed below); many of them, or NUL runs, mean binary.
  if (controls > Math.max(2, body.length / 100)) {
    return { text: null, warnings: [{ file, line: 0, message: `binary file (${controls} control bytes): skipped, no papers read` }] };
  }
  if (isUtf8(body)) return withoutControls(file, new TextDecoder("utf-8").decode(body), notes);
  const { text, warnings } = decodeMostlyUtf8(file, body);
  return withoutControls(file, text, [...notes, ...warnings]);
}

/** Lines not valid UTF-8 reported one by one; those past it in one warning with their count. */
const BAD_LINES_LISTED = 10;

/**
 * Text of a file that is not valid UTF-8 throughout. A file with no valid multi-byte UTF-8 sequence anywhere is
 * Windows-1252 (Latin-1) as a whole: decoded so, with one warning. Otherwise the file is UTF-8 and only the lines with
 * bytes that are not are repaired, each on its own: a line with no valid multi-byte sequence is read as Windows-1252
 * (a Latin-1 "é" pasted into a UTF-8 file becomes é), a line that also holds UTF-8 characters keeps them and gets
 * U+FFFD for each bad sequence (read as Windows-1252 they would turn into mojibake). A bad sequence never spans a line
 * end (0x0A is ASCII), so every other line decodes exactly as it would without the bad bytes.
 */
function decodeMostlyUtf8(file: string, body: Buffer): { text: string; warnings: Warning[] } {
  const bad: { line: number; repaired: "windows-1252" | "replaced" }[] = [];
  const parts: string[] = [];
  const utf8 = new TextDecoder("utf-8");
  let line = 1;
  let goodFrom = 0;
  for (let start = 0; start <= body.length; line++) {
    const nl = body.indexOf(10, start);
    const end = nl === -1 ? body.length : nl;
    const bytes = body.subarray(start, end);
    if (!isUtf8(bytes)) {
      parts.push(utf8.decode(body.subarray(goodFrom, start)));
      const multiByte = hasUtf8MultiByte(bytes);
      parts.push(multiByte ? utf8.decode(bytes) : iconv.decode(bytes, "windows-1252"));
      bad.push({ line, repaired: multiByte ? "replaced" : "windows-1252" });
      goodFrom = end;
    }
    if (nl === -1) break;
    start = nl + 1;
  }
  parts.push(utf8.decode(body.subarray(goodFrom)));
  const lines = bad.length === 1 ? "1 line" : `${bad.length} lines`;
  if (!hasUtf8MultiByte(body)) {
    return { text: iconv.decode(body, "windows-1252"), warnings: [{ file, line: bad[0].line, message: `not valid UTF-8: decoded as Windows-1252 (Latin-1) as a whole, as it holds no UTF-8 character; ${lines} with bytes beyond ASCII, the first here; check accented letters` }] };
  }
  const warnings: Warning[] = bad.slice(0, BAD_LINES_LISTED).map((b) => ({
    file,
    line: b.line,
    message: b.repaired === "windows-1252" ? "bytes not valid UTF-8: this line read as Windows-1252 (Latin-1), the rest of the file as UTF-8; check accented letters" : "bytes not valid UTF-8 replaced by U+FFFD (�) on this line; the rest of the file read as UTF-8",
  }));
  if (bad.length > BAD_LINES_LISTED) {
    const more = bad.slice(BAD_LINES_LISTED);
    warnings.push({ file, line: more[0].line, message: `${more.length} more lines with bytes not valid UTF-8 (lines ${more[0].line}–${more.at(-1)!.line}), repaired the same way` });
  }
  return { text: parts.join(""), warnings };
}

/** Whether `bytes` hold at least one valid multi-byte UTF-8 sequence (a character beyond ASCII written in UTF-8). */
function hasUtf8MultiByte(bytes: Buffer): boolean {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    const n = b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (n && i + n <= bytes.length && isUtf8(bytes.subarray(i, i + n))) return true;
  }
  return false;
}

/** C0 controls other than tab/newline/carriage return, DEL and C1 controls: never text, removed with a warning naming the first line. */
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;

function withoutControls(file: string, text: string, warnings: Warning[]): { text: string; warnings: Warning[] } {
  const found = text.match(CONTROL);
  if (!found) return { text, warnings };
  const line = text.slice(0, text.search(CONTROL)).split(/\r\n?|\n/).length;
  return { text: text.replace(CONTROL, ""), warnings: [...warnings, { file, line, message: `${found.length} control character${found.length === 1 ? "" : "s"} (not text) removed` }] };
}
