// Test helper: the entries of the bundled dumps (content/dumps), as the parser reads them: the seed of synthetic dumps.
import path from "node:path";
import { root } from "../../scripts/build.ts";
import { readDumps } from "../../scripts/dumps-file.ts";
import { parseDump } from "../../scripts/stages/parse.ts";
import type { Entry } from "../../scripts/types.ts";

export function bundledEntries(): Entry[] {
  return readDumps(path.join(root, "content/dumps")).dumps.flatMap((d) => parseDump(d.file, d.text).entries);
}
