// The index pages' cards are written before the related stage (so that a rebuild renders the index pages meanwhile):
// they must be the finished catalogue's, with the curators' overrides applied.
import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { root } from "../scripts/build.ts";
import { readDumps, readYaml } from "../scripts/io.ts";
import { catalogueStages, catalogueWideStages, initialState, overridden, runPipeline } from "../scripts/pipeline.ts";
import { validateTaxonomy } from "../scripts/stages/classify.ts";
import { pageData } from "../scripts/stages/write.ts";
import { card, catalogueIndex, indexCards, newest, newestByTopic } from "../scripts/eleventy/indexes.ts";
import type { Paper } from "../scripts/types.ts";

const cards = (papers: Paper[]) => papers.map((p) => card(pageData(p, new Map())));

/** The bundled dumps after the catalogue stages (up to topics), with no overrides. */
async function bundledCatalogue() {
  const taxonomyFile = path.join(root, "content/taxonomy.yaml");
  const { dumps, warnings } = readDumps(path.join(root, "content/dumps"));
  const s0 = initialState({ dumps, warnings, registry: [], taxonomy: validateTaxonomy(readYaml(taxonomyFile, null), taxonomyFile), overrides: { file: "overrides.yaml", data: {}, lines: new Map() } });
  return runPipeline(s0, undefined, null, catalogueStages);
}

test("cards made before the related stage equal the finished catalogue's, overrides of title, date, topics, authors and arXiv id applied", async () => {
  const stages = await bundledCatalogue();
  const [a, b] = [stages.papers[3], stages.papers[17]];
  const data = {
    [a.slug]: { title: "A corrected title with $x^2$", date: "2024-02-29", topics: ["optimization-theory"], authors: ["Ada Lovelace", "Alan Turing"] },
    [b.slug]: { arxiv: "2301.01234", date: null },
  };
  const catalogue = { ...stages, overrides: { file: "overrides.yaml", data, lines: new Map() } };
  const early = cards(overridden(catalogue));
  const finished = await runPipeline(catalogue, undefined, null, catalogueWideStages);
  assert.ok(finished.papers.some((p) => p.related.length > 0), "the related stage ran");
  assert.deepEqual(early, cards(finished.papers));
  const changed = early.find((c) => c.url.includes(a.slug))!;
  assert.match(changed.title, /^A corrected title with /);
  assert.deepEqual([changed.published, changed.topics, changed.authors], ["2024-02-29", ["optimization-theory"], 2]);
});

test("the cards of every paper a feed lists carry its abstract, so the index runs read no paper page; the others carry none", async () => {
  const s = await bundledCatalogue();
  const pages = s.papers.map((p) => pageData(p, new Map()));
  const indexed = indexCards(pages);
  assert.deepEqual(indexed.map((c) => c.url), pages.map((p) => p.permalink), "one card per paper, in the papers' order");
  // What the feeds list: the newest of the cards as the index pages sort them.
  const sorted = catalogueIndex(indexed, []).papers;
  const listed = [...newest(sorted), ...[...newestByTopic(sorted).values()].flat()];
  assert.ok(listed.length >= 20, `${listed.length} feed entries`);
  const abstract = new Map(pages.map((p) => [p.permalink, p.description]));
  for (const c of listed) assert.equal(c.description, abstract.get(c.url), c.url);
  const inFeeds = new Set(listed.map((c) => c.url));
  assert.ok(indexed.filter((c) => !inFeeds.has(c.url)).every((c) => c.description === undefined));
});
