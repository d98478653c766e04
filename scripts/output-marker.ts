// The marker file of the folders the build makes: only a folder that holds it is ever replaced or removed by the build.
import { lstatSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * The file every folder the build makes holds (the site, its staging folders, the search documents beside it). Its
 * text never changes (builds are deterministic).
 */
export const MARKER = ".paper-catalogue";
const MARKER_TEXT = "This folder was made by the paper catalogue's build (npm run build), which replaces it on the next build.\n";

/** Whether `dir` is a folder the build made: it holds MARKER as the build writes it. */
export function ours(dir: string): boolean {
  try {
    const marker = path.join(dir, MARKER);
    return lstatSync(dir).isDirectory() && lstatSync(marker).isFile() && lstatSync(marker).size === MARKER_TEXT.length && readFileSync(marker, "utf8") === MARKER_TEXT;
  } catch {
    return false;
  }
}

/** Creates `dir` if missing and puts MARKER in it: a folder the build makes and may later replace or remove. */
export function markOurs(dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, MARKER), MARKER_TEXT);
}
