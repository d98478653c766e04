// The build's arguments checked before any work: where it may write (--out), what it reads (--dumps), --base and --url.
import { existsSync, lstatSync, readdirSync, realpathSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { siteOrigin } from "./eleventy/publish.ts";
import { MARKER, ours } from "./output-marker.ts";

/** A bad argument: the CLI prints its message (one line) and exits 1. */
export class ArgumentError extends Error {
  override name = "ArgumentError";
}

export interface Arguments {
  dumps: string;
  out: string;
  base: string;
  url?: string;
}

export interface CheckedArguments {
  /** The dumps folder, resolved. */
  dumps: string;
  /** The output folder, resolved through symbolic links: the build writes there and beside it. */
  out: string;
  /** The base path, normalised (`/`, `/catalogue/`). */
  base: string;
  url?: string;
}

/** Folders the build must never write into, over or around. */
export interface Protected {
  /** The project's root folder. */
  project: string;
  /** Folders whose contents are inputs (the dumps folder, the templates' folder). */
  inputs: string[];
  /** The user's home folder. */
  home: string;
}

/**
 * Checks every argument before the build starts (`inputs`: folders the build reads or keeps its generated input in,
 * besides the dumps folder); throws ArgumentError naming the argument, the path and what is wrong. Touches nothing.
 */
export function checkArguments(args: Arguments, project: string, inputs: string[]): CheckedArguments {
  const base = normaliseBase(args.base);
  if (args.url !== undefined) {
    try {
      siteOrigin({ base, url: args.url });
    } catch (e) {
      throw new ArgumentError((e as Error).message);
    }
  }
  const dumps = path.resolve(args.dumps);
  const st = statSync(dumps, { throwIfNoEntry: false });
  if (!st) throw new ArgumentError(`--dumps ${dumps}: no such folder`);
  if (!st.isDirectory()) throw new ArgumentError(`--dumps ${dumps}: not a folder`);
  const out = checkOutput(args.out, { project, inputs: [realpathSync(dumps), ...inputs.map(real)], home: os.homedir() });
  return { dumps, out, base, url: args.url };
}

export function normaliseBase(base: string): string {
  const trimmed = base.trim().replace(/^\/+|\/+$/g, "");
  if (trimmed && !/^[A-Za-z0-9._~\-\/]+$/.test(trimmed)) throw new ArgumentError(`--base ${JSON.stringify(base)}: use a URL path such as /catalogue/`);
  return trimmed ? `/${trimmed}/` : "/";
}

/**
 * Where the build may write its site: a missing path, an empty folder, or a site this build made (it holds MARKER),
 * that is not the project, its source folders, an input folder, the home folder or a folder above any of them.
 * The folders the build makes beside it (`<out>.staging-<pid>`, `.<name>.search-pages`) must be missing or its own.
 * Returns the output's real path (through symbolic links); throws ArgumentError naming the path and the reason.
 */
export function checkOutput(given: string, keep: Protected): string {
  const shown = path.resolve(given);
  const refuse = (why: string): never => {
    throw new ArgumentError(`--out ${shown}: ${why}; nothing was changed`);
  };
  let above = path.dirname(shown);
  while (!existsSync(above)) above = path.dirname(above);
  if (!statSync(above).isDirectory()) refuse(`${above} is a file, not a folder`);
  const link = lstatSync(shown, { throwIfNoEntry: false });
  if (link?.isSymbolicLink() && !existsSync(shown)) refuse("a symbolic link to a missing path");
  const out = real(shown);
  const where = out === shown ? "" : ` (a link to ${out})`;
  const project = real(keep.project);
  const home = real(keep.home);
  if (out === path.parse(out).root) refuse(`the root folder${where}: the build replaces its output folder`);
  if (out === home || inside(home, out)) refuse(`${out === home ? "the home folder" : "a folder above the home folder"}${where}`);
  if (out === project) refuse(`the project's own folder${where}`);
  if (inside(project, out)) refuse(`a folder above the project ${project}${where}`);
  for (const input of keep.inputs) {
    if (out === input) refuse(`the input folder ${input} itself${where}`);
    if (inside(out, input)) refuse(`inside the input folder ${input}${where}`);
    if (inside(input, out)) refuse(`above the input folder ${input}${where}`);
  }
  // In the project only a folder of its own at the top (like site/): anything deeper is inside a source folder.
  if (inside(out, project) && path.dirname(out) !== project) refuse(`inside the project's ${path.relative(project, out).split(path.sep)[0]}/ folder${where}`);
  const st = statSync(out, { throwIfNoEntry: false });
  if (st && path.dirname(out) === project && !ours(out) && (!st.isDirectory() || readdirSync(out).length > 0)) refuse(`the project's ${path.basename(out)}${st.isDirectory() ? "/ folder" : " file"}, not a site the build made${where} (it has no ${MARKER} file)`);
  if (st) {
    if (!st.isDirectory()) refuse(`not a folder${where}: the build writes a site folder there`);
    if (!ours(out) && readdirSync(out).length > 0) refuse(`a folder that holds files the build did not make${where} (it has no ${MARKER} file): give an empty or new folder`);
  }
  for (const beside of [`${out}.staging-${process.pid}`, path.join(path.dirname(out), `.${path.basename(out)}.search-pages`)]) {
    if (existsSync(beside) && !ours(beside)) refuse(`${beside} is in the way: the build keeps its own files there, and this one has no ${MARKER} file`);
  }
  return out;
}

/** Whether `child` is strictly inside `parent` (both resolved). */
function inside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel !== "" && rel !== ".." && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
}

/** The real path of `p`: through symbolic links, for the part of it that exists. */
function real(p: string): string {
  const abs = path.resolve(p);
  try {
    return realpathSync(abs);
  } catch {
    const parent = path.dirname(abs);
    return parent === abs ? abs : path.join(real(parent), path.basename(abs));
  }
}
