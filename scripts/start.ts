// `npm start`: build the site once (ingest, Eleventy, Pagefind), then serve it with Eleventy's live reload.
import { spawn } from "node:child_process";
import path from "node:path";
import { build, root } from "./build.ts";

await build({ dumps: path.join(root, "content/dumps"), out: path.join(root, "site"), base: "/", strict: false, log: (l) => console.log(l) });
console.log("Serving with live reload; edits to layouts/ and content/ rebuild the pages (re-run `npm start` after changing dumps).");
const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "node_modules/@11ty/eleventy/cmd.cjs"), "--config=.eleventy.ts", "--input=content", "--output=site", "--serve"], {
  cwd: root,
  stdio: "inherit",
});
child.on("exit", (code) => process.exit(code ?? 0));
