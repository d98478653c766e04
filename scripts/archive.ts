// The whole site as one zip (build --archive): a folder that opens from disk wherever it is unzipped. Byte-identical for
// the same site: entries in sorted order, with a fixed time and mode (yazl writes nothing else that varies).
import { createWriteStream, readdirSync } from "node:fs";
import path from "node:path";
import { ZipFile } from "yazl";

/** The archive's site path; the home page links to it. */
export const ARCHIVE_PATH = "/paper-catalogue.zip";
/** The folder the archive unzips into. */
const TOP = "paper-catalogue";
/** Every entry's time: the zip format's earliest (local time, so the same in every time zone). */
const MTIME = new Date(1980, 0, 1);

/** The site's files, site-relative with `/`, in code-unit order of their paths, but never `skip`. */
function siteFiles(site: string, skip: string): string[] {
  const files: string[] = [];
  const walk = (dir: string, rel: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(path.join(dir, entry.name), relPath);
      else if (relPath !== skip) files.push(relPath);
    }
  };
  walk(site, "");
  return files.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Writes `<site>/paper-catalogue.zip` holding every other file of `site`; resolves with its entry count. */
export function writeArchive(site: string): Promise<number> {
  const name = ARCHIVE_PATH.slice(1);
  const files = siteFiles(site, name);
  const zip = new ZipFile();
  for (const f of files) zip.addFile(path.join(site, f), `${TOP}/${f}`, { mtime: MTIME, mode: 0o100644, compress: !/\.(zip|gz|pagefind|pf_\w+)$/.test(f) });
  zip.end();
  return new Promise((resolve, reject) => {
    const out = createWriteStream(path.join(site, name));
    zip.outputStream.on("error", reject).pipe(out).on("error", reject).on("close", () => resolve(files.length));
  });
}
