// Global data for the templates: build settings, taxonomy, the paper pages to render and the index of the whole catalogue.
import path from "node:path";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import yaml from "js-yaml";
import { readPages } from "../io.ts";
import { validateTaxonomy, type Taxonomy } from "../stages/classify.ts";
import { paperUrl, type PaperPageData } from "../stages/write.ts";
import { card, catalogueIndex, type CatalogueIndex } from "./indexes.ts";
import { readCards, readGone } from "../cards-file.ts";
import type { BuildSettings } from "./publish.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/**
 * What one Eleventy run renders. The build driver (scripts/build.ts) splits a catalogue into runs and hands each
 * its job through the CATALOGUE_JOB environment variable (a JSON file; render-worker.ts sets it from the path its
 * standard input gives); a plain `eleventy` run renders everything.
 */
export interface RenderJob {
  /** Output folder of this run. */
  out: string;
  /** Eleventy input folder (the templates). */
  content: string;
  /** `papers`: only paper pages (the named files); `indexes`: everything but paper pages; `all`: both (paper pages: the named files, or every one). */
  part: "all" | "papers" | "indexes";
  /** Folder of generated paper pages (`*.md`). */
  papersDir: string;
  /** For `papers` and `all`: the page files to render (default: all). */
  files?: string[];
  /** For `indexes`: the cards file (cards-file.ts) holding every paper's card (default: read from the pages). */
  cardsFile?: string;
  /** For `indexes`: only the topic pages, or only the others (so two runs share the index pages); default both. */
  indexes?: "topics" | "others";
  taxonomyFile: string;
  build: BuildSettings;
}

/** What a "gone" page (layouts/gone.11ty.ts) shows: the URL's slug, its title key, the paper it was merged into. */
export interface GoneData {
  slug: string;
  key: string;
  target: { url: string; title: string } | null;
}

export function readJob(): RenderJob {
  const file = process.env.CATALOGUE_JOB;
  if (file) return JSON.parse(readFileSync(file, "utf8")) as RenderJob;
  return { part: "all", out: path.join(root, "site"), content: path.join(root, "content"), papersDir: path.join(root, "content/papers"), taxonomyFile: path.join(root, "content/taxonomy.yaml"), build: { base: "/", url: null } };
}

export function readTaxonomy(file: string): Taxonomy {
  return validateTaxonomy(yaml.load(readFileSync(file, "utf8"), { schema: yaml.CORE_SCHEMA }), file);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export default function dataPlugin(eleventyConfig: any): void {
  const job = readJob();
  const input: string = eleventyConfig.directories.input;
  const taxonomy = readTaxonomy(job.taxonomyFile);
  eleventyConfig.addGlobalData("build", job.build);
  eleventyConfig.addGlobalData("taxonomy", taxonomy);
  // The Markdown pages are data for content/papers/papers.11ty.ts, not templates of their own.
  eleventyConfig.ignores.add(path.join(input, "papers/*.md"));

  let pages: ReturnType<typeof readPages<PaperPageData>> | undefined;
  const loadPages = () => (pages ??= readPages<PaperPageData>(job.papersDir, job.files));

  if (job.part === "indexes") eleventyConfig.ignores.add(path.join(input, "papers/**"));
  else eleventyConfig.addGlobalData("paperPages", () => loadPages());

  if (job.part === "papers") {
    for (const t of ["index.11ty.ts", "search.11ty.ts", "404.11ty.ts", "gone.11ty.ts", "topics/**", "dates/**"]) eleventyConfig.ignores.add(path.join(input, t));
  } else {
    if (job.indexes === "others") eleventyConfig.ignores.add(path.join(input, "topics/**"));
    if (job.indexes === "topics") for (const t of ["index.11ty.ts", "search.11ty.ts", "404.11ty.ts", "gone.11ty.ts", "dates/**"]) eleventyConfig.ignores.add(path.join(input, t));
    let cardsText: string | undefined;
    const readCardsText = () => (cardsText ??= readFileSync(job.cardsFile!, "utf8"));
    let index: CatalogueIndex | undefined;
    const loadIndex = () => (index ??= catalogueIndex(job.cardsFile ? readCards(readCardsText()) : loadPages().map((p) => card(p.data)), taxonomy.topics));
    eleventyConfig.addGlobalData("catalogue", loadIndex);
    // Published URLs no paper holds now, with the paper each was merged into (only the cards file knows them: a run
    // over the pages alone renders none).
    eleventyConfig.addGlobalData("gonePages", (): GoneData[] => {
      const gone = job.cardsFile ? readGone(readCardsText()) : [];
      if (!gone.length) return [];
      const byUrl = new Map(loadIndex().papers.map((p) => [p.url, p]));
      return gone.map((g) => {
        const target = g.mergedInto === null ? undefined : byUrl.get(paperUrl(g.mergedInto));
        return { slug: g.slug, key: g.key, target: target ? { url: target.url, title: target.title } : null };
      });
    });
  }
}

/** Whether this run copies the static assets (only one run of a build does). */
export function copiesAssets(): boolean {
  const job = readJob();
  return job.part !== "papers" && job.indexes !== "topics";
}

/** Whether this run renders the feeds, sitemaps and bibliography. */
export function publishes(): boolean {
  const job = readJob();
  return job.part !== "papers" && job.indexes !== "topics";
}
