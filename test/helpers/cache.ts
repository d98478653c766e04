// Test helper: removes the cache folder build() keeps for a temp dumps folder (its generated pages), never anything else.
import { rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { locations } from "../../scripts/build.ts";

export function removeBuildCache(dumps: string): void {
  const dir = path.dirname(locations(dumps).papersDir);
  if (path.resolve(dir).startsWith(path.join(os.tmpdir(), "paper-catalogue") + path.sep)) rmSync(dir, { recursive: true, force: true });
}
