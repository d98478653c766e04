// catalogue.json is written a paper at a time, or made from the last build's (the cards file too): the file must be exactly the whole catalogue's JSON.
import { test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { root } from "../scripts/build.ts";
import { ingest, type KeptText } from "../scripts/ingest.ts";
import { writeChunks } from "../scripts/io.ts";
import { writeCards, writeCatalogueJson } from "../scripts/ingest-process.ts";
import { overridden, type State } from "../scripts/pipeline.ts";
import { cardsText, readCards } from "../scripts/cards-file.ts";
import { catalogue, catalogueJson, spliceCatalogueJson } from "../scripts/stages/write.ts";

test("catalogue.json written a paper at a time is the whole catalogue's JSON, with rejected entries, without, and empty", async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "catalogue-json-"));
  try {
    for (const [name, from] of [["bundled", "content/dumps"], ["hostile", "test/fixtures/hostile/dumps"]]) {
      const dumps = path.join(dir, name, "dumps");
      cpSync(path.join(root, from), dumps, { recursive: true });
      const { state } = await ingest({ dumps, papersDir: path.join(dir, name, "papers"), state: path.join(dir, name), taxonomy: path.join(root, "content/taxonomy.yaml"), cache: null });
      if (name === "hostile") assert.ok(state.rejected.length > 0, "the hostile fixtures have rejected entries");
      for (const s of [state, { ...state, rejected: [] }, { ...state, papers: [], rejected: [] }]) {
        const file = path.join(dir, name, "catalogue.json");
        writeChunks(file, catalogueJson(s));
        assert.equal(readFileSync(file, "utf8"), JSON.stringify(catalogue(s), null, 1) + "\n");
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("catalogue.json made from the last build's copies its carried papers' entries and is still the whole catalogue's JSON", async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "catalogue-splice-"));
  try {
    const { state } = await ingest({ dumps: path.join(root, "content/dumps"), papersDir: path.join(dir, "papers"), state: dir, taxonomy: path.join(root, "content/taxonomy.yaml"), cache: null });
    const whole = (s: typeof state) => JSON.stringify(catalogue(s), null, 1) + "\n";
    const text = (chunks: (string | Buffer)[]) => Buffer.concat(chunks.map((c) => (typeof c === "string" ? Buffer.from(c) : c))).toString("utf8");
    // The last build lacked every seventh paper (the first and the last among them) and the rejected entries.
    const isNew = (i: number) => i % 7 === 0 || i === state.papers.length - 1;
    const old = { ...state, papers: state.papers.filter((_, i) => !isNew(i)), rejected: [] };
    const last = Buffer.from(whole(old));
    const carried = new Set(old.papers.map((p) => p.id));
    const now = { ...state, rejected: [{ file: "zz_é.txt", line: 3, reason: "no title" }] };
    const spliced = spliceCatalogueJson(now, last, carried);
    assert.ok(spliced);
    assert.equal(text(spliced), whole(now));
    const copied = spliced.filter((c) => Buffer.isBuffer(c));
    assert.ok(copied.length < old.papers.length / 4, "old entries are copied in runs between new ones");
    assert.ok(copied.reduce((n, c) => n + c.length, 0) > last.length * 0.7, "old entries are copied, not made again");
    // Nothing new: the same text.
    assert.equal(text(spliceCatalogueJson(old, last, carried)!), last.toString("utf8"));
    // The last text must hold exactly the carried papers.
    const one = old.papers[5].id;
    assert.equal(spliceCatalogueJson(state, last, new Set([...carried].filter((id) => id !== one))), null, "an entry no carried paper has");
    assert.equal(spliceCatalogueJson(state, last, new Set([...carried, state.papers[0].id])), null, "a carried paper without an entry");
    assert.equal(spliceCatalogueJson(state, Buffer.from(whole({ ...old, papers: [] })), new Set()), null, "no entries at all");
    assert.equal(spliceCatalogueJson(state, last.subarray(0, last.length / 2), carried), null, "cut short");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a rebuild after a dump of new papers makes catalogue.json and the cards from the last ones, the same texts as made whole", async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "catalogue-rebuild-"));
  try {
    const dumps = path.join(dir, "dumps");
    cpSync(path.join(root, "content/dumps"), dumps, { recursive: true });
    const opts = { dumps, papersDir: path.join(dir, "papers"), state: dir, taxonomy: path.join(root, "content/taxonomy.yaml"), cache: path.join(dir, "cache"), deferSave: true };
    const file = path.join(dir, "catalogue.json");
    const cardsFile = path.join(dir, "cards.json");
    // The cards file is written as the build's child process writes it, once the catalogue stages are done.
    let cards = "";
    const onCatalogue = async (s: State, _extended: boolean, kept: KeptText | null) => void (cards = await writeCards(overridden(s), kept, cardsFile));
    const fresh = (s: State) => [...cardsText(overridden(s))].join("");
    const first = await ingest(opts, undefined, onCatalogue);
    assert.equal(await writeCatalogueJson(first, file), "written");
    assert.equal(cards, "written");
    first.keepState();
    writeFileSync(path.join(dumps, "zz_new.txt"), ["Get trending papers in your email inbox!", "SubscribeSplicing Catalogues of Papers", "We copy the unchanged entries of a catalogue and make only the new ones.", ""].join("\n"));
    const second = await ingest(opts, undefined, onCatalogue);
    assert.equal(await writeCatalogueJson(second, file), "spliced");
    assert.equal(cards, "spliced");
    second.keepState();
    assert.equal(readFileSync(file, "utf8"), JSON.stringify(catalogue(second.state), null, 1) + "\n");
    assert.equal(readFileSync(cardsFile, "utf8"), fresh(second.state));
    assert.equal(second.state.papers.length, first.state.papers.length + 1);
    // Another overrides file may change any paper's entry: made whole.
    writeFileSync(path.join(dir, "overrides.yaml"), `${second.state.papers[0].slug}:\n  title: Another Title\n`);
    const third = await ingest(opts, undefined, onCatalogue);
    assert.equal(await writeCatalogueJson(third, file), "written");
    assert.equal(cards, "written");
    assert.equal(readFileSync(cardsFile, "utf8"), fresh(third.state));
    assert.ok(readCards(readFileSync(cardsFile, "utf8")).some((c) => c.title === "Another Title"));
    assert.equal(JSON.parse(readFileSync(file, "utf8")).papers.find((p: { id: string }) => p.id === second.state.papers[0].slug).title, "Another Title");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
