// The index pages' cards are written before the related stage (so that a rebuild renders the index pages meanwhile):
// they must be the finished catalogue's, with the curators' overrides applied.
import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { root } from "../scripts/build.ts";
import { readDumps } from "../scripts/dumps-file.ts";
import { readYaml } from "../scripts/io.ts";
import { catalogueStages, catalogueWideStages, initialState, overridden, runPipeline } from "../scripts/pipeline.ts";
import { validateTaxonomy } from "../scripts/stages/classify.ts";
import { pageData } from "../scripts/stages/write.ts";
import { card, catalogueIndex, newest, newestByTopic } from "../scripts/eleventy/indexes.ts";
import { cardsText, readCards, spliceCardsText } from "../scripts/cards-file.ts";
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
  const indexed = readCards([...cardsText(s.papers)].join(""));
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

test("cards spliced from the last build's text equal cards made afresh, new papers first, last and in runs between the old ones", async () => {
  const all = (await bundledCatalogue()).papers;
  const isNew = (i: number) => i === 0 || i === all.length - 1 || i % 7 === 3 || i % 7 === 4;
  const old = all.filter((_, i) => !isNew(i));
  assert.ok(all.filter((p, i) => isNew(i) && p.date !== null).length > 0, "some new papers are dated: the feeds' abstracts change");
  const last = Buffer.from([...cardsText(old)].join(""));
  const carried = new Set(old.map((p) => p.id));
  const spliced = spliceCardsText(all, last, carried);
  assert.ok(spliced, "the last text holds the carried papers' cards");
  const fresh = [...cardsText(all)].join("");
  assert.equal(Buffer.concat(spliced.map((c) => (typeof c === "string" ? Buffer.from(c) : c))).toString(), fresh);
  assert.notEqual(fresh, last.toString());
});

test("spliced cards carry the abstracts of the papers the feeds list when new papers push older ones out of full feeds", async () => {
  const bundled = (await bundledCatalogue()).papers;
  // Every paper dated, on 40 days: every topic's feed is full, and the new papers (every fifth) are spread over the days.
  const day = (i: number) => (i % 40 < 30 ? `2024-03-${String((i % 40) + 1).padStart(2, "0")}` : `2024-04-${String((i % 40) - 29).padStart(2, "0")}`);
  const all = bundled.map((p, i) => ({ ...p, date: day(i) }));
  const old = all.filter((_, i) => i % 5 !== 2);
  const last = Buffer.from([...cardsText(old)].join(""));
  const spliced = spliceCardsText(all, last, new Set(old.map((p) => p.id)));
  assert.ok(spliced);
  const text = Buffer.concat(spliced.map((c) => (typeof c === "string" ? Buffer.from(c) : c))).toString();
  assert.equal(text, [...cardsText(all)].join(""));
  const feeds = (t: string) => Object.keys(JSON.parse(t).abstracts as object);
  const [before, after] = [feeds(last.toString()), feeds(text)];
  assert.ok(after.some((url) => !before.includes(url)) && before.some((url) => !after.includes(url)), "new papers entered the feeds and pushed others out");
});

test("cards are not spliced from a text that lacks a carried paper, holds another or is no cards text", async () => {
  const all = (await bundledCatalogue()).papers;
  const old = all.slice(0, -5);
  const last = Buffer.from([...cardsText(old)].join(""));
  const ids = (papers: Paper[]) => new Set(papers.map((p) => p.id));
  assert.equal(spliceCardsText(all, last, ids(all)), null, "a carried paper has no card in the last text");
  assert.equal(spliceCardsText(all, last, ids(old.slice(1))), null, "the last text holds a paper that is not carried");
  assert.equal(spliceCardsText(all, Buffer.from(JSON.stringify({ cards: [] })), ids(old)), null);
  assert.equal(spliceCardsText(all, last.subarray(0, last.length / 2), ids(old)), null, "a text cut off among the cards");
});
