// Pagefind from disk: what a search bundle needs beside Pagefind's own files for a page opened as file://, where
// browsers refuse fetch(), module scripts and import() but run classic scripts (layouts/assets/search.js reads them).
//
// - pagefind-classic.js: Pagefind's pagefind.js as a classic script (esbuild, iife), registering its module in
//   `self.pagefindBundles` under the URL of pagefind.js beside it. The search page loads it hosted too.
// - twins (`<file>.js` beside every file Pagefind fetches): `self.pagefindFiles.set("<site path>", "<base64>")`, which
//   search.js's fetch replacement loads on file:// and answers Pagefind's fetch with. Left out by --no-disk-search.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { transformSync } from "esbuild";

/** The classic-script build of a bundle's pagefind.js. */
export const CLASSIC_SCRIPT = "pagefind-classic.js";
/** Files Pagefind's client fetches (entry, WebAssembly, metadata, index, filter and fragment chunks). */
const FETCHED = /^(?:pagefind-entry\.json|wasm\.[\w-]+\.pagefind|pagefind\.[\w-]+\.pf_meta|(?:index|filter|fragment)\/[\w-]+\.pf_(?:index|filter|fragment))$/;

/** Pagefind's ES module as a classic script: its import.meta.url is the URL of the pagefind.js beside the script. */
export function classicPagefind(moduleSource: string): string {
  const { code } = transformSync(moduleSource, { format: "iife", globalName: "pagefindModule", define: { "import.meta.url": "pagefindModuleUrl" }, minify: true, target: "es2020" });
  return `(()=>{const pagefindModuleUrl=new URL("pagefind.js",document.currentScript.src).href;\n${code}\n(self.pagefindBundles||(self.pagefindBundles={}))[pagefindModuleUrl]=pagefindModule;})();\n`;
}

/** The twin of a fetched file: its bytes in base64, registered under its site path (`pagefind/index/x.pf_index`). */
export function twin(sitePath: string, bytes: Buffer): string {
  return `(self.pagefindFiles||(self.pagefindFiles=new Map())).set(${JSON.stringify(sitePath)},"${bytes.toString("base64")}");\n`;
}

/** Writes the classic script and (with `twins`) the twins of bundle folder `bundle` (site-relative `name`, e.g. `pagefind-1`). */
export function writeDiskFiles(bundle: string, name: string, twins: boolean): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  const write = (file: string, text: string) => {
    writeFileSync(file, text);
    files++;
    bytes += Buffer.byteLength(text);
  };
  write(path.join(bundle, CLASSIC_SCRIPT), classicPagefind(readFileSync(path.join(bundle, "pagefind.js"), "utf8")));
  if (!twins) return { files, bytes };
  const walk = (dir: string, rel: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(path.join(dir, entry.name), relPath);
      else if (FETCHED.test(relPath)) write(path.join(dir, `${entry.name}.js`), twin(`${name}/${relPath}`, readFileSync(path.join(dir, entry.name))));
    }
  };
  walk(bundle, "");
  return { files, bytes };
}

/** Files and bytes the disk mode adds to a built site (classic scripts and twins of every bundle), for the benchmark. */
export function diskModeCost(site: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  const walk = (dir: string, rel: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(file, relPath);
      else if (relPath === CLASSIC_SCRIPT || (relPath.endsWith(".js") && FETCHED.test(relPath.slice(0, -3)) && existsSync(file.slice(0, -3)))) {
        files++;
        bytes += statSync(file).size;
      }
    }
  };
  for (const name of readdirSync(site)) if (/^pagefind(-\d+)?$/.test(name)) walk(path.join(site, name), "");
  return { files, bytes };
}
