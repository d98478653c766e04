// Values that would print or show other than written: bidi controls kept to their own text, control characters
// escaped wherever the build prints, dates held to one range wherever they enter (the dumps and curators' overrides).
import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { root } from "../scripts/build.ts";
import { readYaml } from "../scripts/io.ts";
import { catalogueStages, initialState, runPipeline } from "../scripts/pipeline.ts";
import { printable } from "../scripts/printable.ts";
import { validateTaxonomy } from "../scripts/stages/classify.ts";
import { applyOverrides } from "../scripts/stages/overrides.ts";
import { closeBidi } from "../scripts/stages/text/bidi.ts";
import { cleanText } from "../scripts/stages/text.ts";

const RLO = "\u202e";
const PDF = "\u202c";
const RLI = "\u2067";
const PDI = "\u2069";

test("text without open bidi controls is returned unchanged, marks and right-to-left letters included", () => {
  for (const s of ["Attention Is All You Need", "التعلم العميق للغة", "a \u200fmark\u200e and \u061c", `${RLO}closed${PDF} and ${RLI}isolated${PDI}`]) assert.equal(closeBidi(s), s);
});

test("an override or isolate a text leaves open is closed at its end, innermost first", () => {
  assert.equal(closeBidi(`a ${RLO}b`), `a ${RLO}b${PDF}`);
  assert.equal(closeBidi(`${RLI}a ${RLO}b`), `${RLI}a ${RLO}b${PDF}${PDI}`);
  // A PDI closes the embeddings opened inside its isolate, as UAX #9 pairs them: nothing left to close.
  assert.equal(closeBidi(`${RLI}a ${RLO}b${PDI} c`), `${RLI}a ${RLO}b${PDI} c`);
});

test("a closer with nothing of its own to close is dropped, so it cannot end an isolate around the text", () => {
  assert.equal(closeBidi(`a${PDI}${RLO}b`), `a${RLO}b${PDF}`);
  assert.equal(closeBidi(`a${PDF}b`), "ab");
  // A PDF cannot close an embedding opened outside the isolate it stands in.
  assert.equal(closeBidi(`${RLO}a${RLI}b${PDF}c`), `${RLO}a${RLI}bc${PDI}${PDF}`);
});

test("a title's plain text and Markdown close the override they open", () => {
  const t = cleanText(`Bidi ${RLO}override in a title`);
  assert.equal(t.plain, `Bidi ${RLO}override in a title${PDF}`);
  assert.ok(t.markdown.endsWith(`title${PDF}`), t.markdown);
});

test("printable escapes C0 and C1 controls, DEL, line separators and bidi controls, and nothing else", () => {
  assert.equal(printable("a\u001b[2J\nWarnings: 0\r\t"), "a\\x1b[2J\\x0aWarnings: 0\\x0d\\x09");
  assert.equal(printable("\u007f\u009b\u0085"), "\\x7f\\x9b\\x85");
  assert.equal(printable(`${RLO}\u2066\u200e\u200f\u061c\u2028`), "\\u202e\\u2066\\u200e\\u200f\\u061c\\u2028");
  const plain = "Łojasiewicz — 深度学习 · التعلم 🤖 C:\\path \"q\"";
  assert.equal(printable(plain), plain);
});

test("a curator's override is held to the dumps' date range: 0050 and 9999 are refused alike, with the line; a real date applies", async () => {
  const taxonomyFile = path.join(root, "content/taxonomy.yaml");
  const dump = [
    "Get trending papers in your email inbox once a day!",
    "Get trending papers in your email inbox!",
    "SubscribeA First Paper About Sinkhorn Iterations",
    "We study Sinkhorn iterations for entropic optimal transport and prove a linear rate under mild conditions.",
    "A Second Paper About Diffusion Models",
    "We train diffusion models on images and measure how their sample quality scales with compute and data.",
  ].join("\n");
  const stages = await runPipeline(
    initialState({ dumps: [{ file: "d.txt", text: dump }], registry: [], taxonomy: validateTaxonomy(readYaml(taxonomyFile, null), taxonomyFile), overrides: { file: "o.yaml", data: {}, lines: new Map() } }),
    undefined,
    null,
    catalogueStages,
  );
  const [a, b] = stages.papers.map((p) => p.slug);
  for (const [date, problem] of [["0050-03-03", /"0050-03-03": year 0050 is outside 1900–2100/], ["9999-03-03", /"9999-03-03": year 9999 is outside 1900–2100/], ["2023-02-30", /day 30 does not exist/]] as const) {
    const overrides = { file: "o.yaml", data: { [a]: { date }, [b]: { date: "2024-02-29" } }, lines: new Map([[a, 2], [b, 4]]) };
    const { papers, warnings } = applyOverrides(stages.papers, overrides, new Set());
    assert.equal(papers.find((p) => p.slug === a)!.date, null, date);
    assert.equal(papers.find((p) => p.slug === b)!.date, "2024-02-29");
    assert.equal(warnings.length, 1, JSON.stringify(warnings));
    assert.equal(warnings[0].line, 2);
    assert.match(warnings[0].message, problem);
    assert.match(warnings[0].message, /override ignored$/);
  }
});
