// Render worker: one Eleventy run over the part of the site named by a job file: CATALOGUE_JOB, or the first line of
// standard input (render.ts starts workers early; they load Eleventy and the templates' modules while they wait).
import path from "node:path";
import { fileURLToPath } from "node:url";
import Eleventy from "@11ty/eleventy";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** The first line of standard input; null when it closes without one (the build needed no run of this worker). */
async function jobFromStdin(): Promise<string | null> {
  let text = "";
  for await (const chunk of process.stdin) {
    text += chunk;
    if (text.includes("\n")) break;
  }
  const line = text.split("\n")[0].trim();
  return line || null;
}

if (!process.env.CATALOGUE_JOB) {
  // Loaded while waiting: Eleventy imports the templates themselves afresh, but their modules' imports come from here.
  await Promise.all([".eleventy.ts", "layouts/base.11ty.ts", "layouts/listing.11ty.ts", "layouts/paper.11ty.ts"].map((f) => import(path.join(root, f))));
  const job = await jobFromStdin();
  if (job === null) process.exit(0);
  process.env.CATALOGUE_JOB = job;
}
const { readJob } = await import("./eleventy/data.ts");
const job = readJob();
// Eleventy resolves directory data files only from an input path relative to the working directory.
process.chdir(root);
const elev = new Eleventy(path.relative(root, job.content) || ".", job.out, { configPath: path.join(root, ".eleventy.ts"), pathPrefix: job.build.base, quietMode: true });
await elev.write();
