// Render worker: Eleventy runs over the parts of the site named by job files: CATALOGUE_JOB, or each line of standard
// input in turn, each run's end reported on the IPC channel (render.ts starts workers early; they load Eleventy and the
// templates' modules while they wait, and can be handed another job once done).
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import Eleventy from "@11ty/eleventy";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** One Eleventy run over the job named by CATALOGUE_JOB. */
async function render(): Promise<void> {
  const { readJob } = await import("./eleventy/data.ts");
  const job = readJob();
  // Eleventy resolves directory data files only from an input path relative to the working directory.
  process.chdir(root);
  const elev = new Eleventy(path.relative(root, job.content) || ".", job.out, { configPath: path.join(root, ".eleventy.ts"), pathPrefix: job.build.base, quietMode: true });
  await elev.write();
}

if (process.env.CATALOGUE_JOB) await render();
else {
  // Loaded while waiting: Eleventy imports the templates themselves afresh, but their modules' imports come from here.
  await Promise.all([".eleventy.ts", "layouts/base.11ty.ts", "layouts/listing.11ty.ts", "layouts/paper.11ty.ts"].map((f) => import(path.join(root, f))));
  for await (const line of createInterface({ input: process.stdin })) {
    const file = line.trim();
    if (!file) continue;
    process.env.CATALOGUE_JOB = file;
    await render();
    process.send!({ done: file });
  }
  process.disconnect();
}
