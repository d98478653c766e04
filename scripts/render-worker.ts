// Render worker: one Eleventy run over the part of the site named by the job file in CATALOGUE_JOB.
import path from "node:path";
import { fileURLToPath } from "node:url";
import Eleventy from "@11ty/eleventy";
import { readJob } from "./eleventy/data.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const job = readJob();
// Eleventy resolves directory data files only from an input path relative to the working directory.
process.chdir(root);
const elev = new Eleventy(path.relative(root, job.content) || ".", job.out, { configPath: path.join(root, ".eleventy.ts"), pathPrefix: job.build.base, quietMode: true });
await elev.write();
