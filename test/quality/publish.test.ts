// Gate: what a published site offers machines. Atom feeds (site and per topic) are well-formed XML with RFC 4287's
// required elements and dates taken from the papers; JSON Feeds; sitemap (only with --url) listing every page;
// robots.txt; catalogue.bib matching each page's Cite box; canonical, Open Graph, citation_* tags and JSON-LD.
// Plus unit and property tests of the escaping (XML, JSON in <script>, BibTeX).
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import fc from "fast-check";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { bibtex, bibtexTitle, escapeBibtex, plainCitation, titleParts } from "../../scripts/eleventy/cite.ts";
import { atomFeed, jsonForScript, siteOrigin, urn } from "../../scripts/eleventy/publish.ts";
import type { PaperCard } from "../../scripts/eleventy/indexes.ts";
import { find, parseHtml, textOf, elements, type Node } from "../helpers/html.ts";
import { builtSites, filesOf, type Site } from "./sites.ts";

const sites = await builtSites();
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@", textNodeName: "#text", isArray: (name) => ["entry", "link", "author", "category", "url", "sitemap"].includes(name), parseTagValue: false, trimValues: false });

interface CatalogueJson {
  papers: { url: string; title: string; abstract: string; date: string | null; topics: string[] }[];
}
const catalogueOf = (site: Site): CatalogueJson => JSON.parse(readFileSync(path.join(site.dir, "catalogue.json"), "utf8"));
const read = (site: Site, rel: string) => readFileSync(path.join(site.dir, rel), "utf8");
const text = (v: unknown): string => (typeof v === "string" ? v : ((v as { "#text"?: string })?.["#text"] ?? ""));

/** A link written in a feed or sitemap → the built file it names (fails if it is not under the site). */
function fileOf(site: Site, href: string): string {
  const prefix = site.url ? site.url + site.base : site.base;
  assert.ok(href.startsWith(prefix), `${href} does not start with ${prefix}`);
  const rel = href.slice(prefix.length);
  return path.join(site.dir, rel.endsWith("/") || rel === "" ? `${rel}index.html` : rel);
}

const meta = (doc: Node, name: string) => [...elements(doc)].filter((e) => e.name === "meta" && (e.attribs?.name === name || e.attribs?.property === name)).map((e) => e.attribs!.content);
const linkRel = (doc: Node, rel: string) => [...elements(doc)].filter((e) => e.name === "link" && e.attribs?.rel === rel).map((e) => e.attribs!);

for (const which of ["plain", "prefixed"] as const) {
  const site = sites[which];
  const label = `${site.base}${site.url ? `, --url ${site.url}` : ", no --url"}`;

  test(`Atom feeds are valid, complete and deterministic (${label})`, () => {
    const cat = catalogueOf(site);
    const byUrl = new Map(cat.papers.map((p) => [p.url, p]));
    const dates = new Set(cat.papers.map((p) => p.date).filter(Boolean));
    const feeds = ["feed.xml", ...filesOf(path.join(site.dir, "topics"), ".xml").map((f) => `topics/${f}`)];
    assert.ok(feeds.length > 5, `only ${feeds.length} feeds`);
    for (const f of feeds) {
      const body = read(site, f);
      assert.equal(XMLValidator.validate(body), true, `${f} is not well-formed XML`);
      const feed = xml.parse(body).feed;
      assert.equal(feed["@xmlns"], "http://www.w3.org/2005/Atom", f);
      assert.ok(text(feed.title).trim() && /^urn:uuid:/.test(feed.id) && RFC3339.test(feed.updated) && feed.author?.length, `${f}: feed id, title, updated or author missing`);
      const self = feed.link.find((l: Record<string, string>) => l["@rel"] === "self");
      assert.equal(self?.["@href"], site.url ? `${site.url}${site.base}${f}` : `${site.base}${f}`, `${f}: self link`);
      const entries: Record<string, unknown>[] = feed.entry ?? [];
      let previous = "9999";
      for (const e of entries) {
        const href = (e.link as Record<string, string>[]).find((l) => l["@rel"] === "alternate")!["@href"];
        const file = fileOf(site, href);
        assert.ok(existsSync(file), `${f}: entry link ${href} has no page`);
        const paper = byUrl.get(href.slice((site.url ?? "").length + site.base.length - 1))!;
        assert.ok(paper, `${f}: ${href} not in catalogue.json`);
        assert.equal(text(e.title), paper.title, `${f}: entry title is the plain title`);
        assert.equal(text(e.content), paper.abstract, `${f}: entry content is the plain abstract`);
        assert.match(e.id as string, /^urn:uuid:[0-9a-f-]{36}$/);
        assert.equal(e.updated, `${paper.date}T00:00:00Z`, `${f}: entry updated is the paper's date`);
        assert.ok((e.updated as string) <= previous, `${f}: entries newest first`);
        previous = e.updated as string;
        if (f.startsWith("topics/")) assert.ok(paper.topics.includes(f.split("/")[1]), `${f}: ${href} is not in the topic`);
      }
      assert.ok(dates.has(feed.updated.slice(0, 10)), `${f}: feed updated ${feed.updated} is no paper's date`);
    }
    assert.ok((xml.parse(read(site, "feed.xml")).feed.entry ?? []).length > 0, "the site feed has no entries");
  });

  test(`JSON Feeds are valid JSON Feed 1.1 (${label})`, () => {
    for (const f of ["feed.json", ...filesOf(path.join(site.dir, "topics"), ".json").map((x) => `topics/${x}`)]) {
      const feed = JSON.parse(read(site, f));
      assert.equal(feed.version, "https://jsonfeed.org/version/1.1");
      assert.ok(feed.title && Array.isArray(feed.items), f);
      assert.equal("feed_url" in feed, site.url !== null, `${f}: feed_url only with --url`);
      for (const item of feed.items) {
        assert.ok(item.id && item.title && typeof item.content_text === "string" && RFC3339.test(item.date_published), `${f}: item incomplete`);
        assert.ok(existsSync(fileOf(site, item.url)), `${f}: ${item.url} has no page`);
      }
    }
  });

  test(`pages link their feeds; head metadata; 404 is noindex (${label})`, () => {
    const home = parseHtml(read(site, "index.html"));
    const alternates = linkRel(home, "alternate");
    assert.deepEqual(alternates.map((a) => [a.type, a.href]), [
      ["application/atom+xml", `${site.base}feed.xml`],
      ["application/feed+json", `${site.base}feed.json`],
    ]);
    const topicDir = filesOf(path.join(site.dir, "topics"), ".xml")[0].split("/")[0];
    const topic = parseHtml(read(site, `topics/${topicDir}/index.html`));
    assert.ok(linkRel(topic, "alternate").some((a) => a.href === `${site.base}topics/${topicDir}/feed.xml`), "topic page links its feed");
    assert.deepEqual(linkRel(home, "canonical").map((a) => a.href), site.url ? [`${site.url}${site.base}`] : []);

    const cat = catalogueOf(site);
    const dated = cat.papers.find((p) => p.date)!;
    const page = parseHtml(read(site, `${dated.url.slice(1)}index.html`));
    const canonical = site.url ? `${site.url}${site.base}${dated.url.slice(1)}` : null;
    assert.deepEqual(linkRel(page, "canonical").map((a) => a.href), canonical ? [canonical] : []);
    assert.deepEqual(meta(page, "citation_title"), [dated.title]);
    assert.deepEqual(meta(page, "citation_publication_date"), [dated.date!.replace(/-/g, "/")]);
    assert.deepEqual(meta(page, "citation_abstract_html_url"), canonical ? [canonical] : []);
    assert.deepEqual(meta(page, "og:type"), ["article"]);
    assert.deepEqual(meta(page, "og:title"), [dated.title]);
    assert.deepEqual(meta(page, "og:url"), canonical ? [canonical] : []);
    assert.ok(meta(page, "description")[0].length <= 300);
    const ld = find(page, (e) => e.name === "script" && e.attribs?.type === "application/ld+json")!;
    const data = JSON.parse(textOf(ld));
    assert.equal(data["@type"], "ScholarlyArticle");
    assert.equal(data.headline, dated.title);
    assert.equal(data.abstract, dated.abstract);
    assert.equal(data.datePublished, dated.date);
    assert.equal(data.url, canonical ?? undefined);

    const undated = cat.papers.find((p) => !p.date);
    if (undated) assert.deepEqual(meta(parseHtml(read(site, `${undated.url.slice(1)}index.html`)), "citation_publication_date"), []);

    const notFound = parseHtml(read(site, "404.html"));
    assert.deepEqual(meta(notFound, "robots"), ["noindex"]);
    assert.deepEqual(linkRel(notFound, "canonical"), []);
  });

  test(`sitemap and robots.txt (${label})`, () => {
    const robots = read(site, "robots.txt");
    assert.match(robots, /^User-agent: \*\n/);
    assert.ok(robots.includes(`Disallow: ${site.base}search/?`));
    if (!site.url) {
      assert.ok(!existsSync(path.join(site.dir, "sitemap.xml")), "no sitemap without --url (it needs absolute URLs)");
      assert.ok(!robots.includes("Sitemap:"));
      return;
    }
    assert.ok(robots.includes(`Sitemap: ${site.url}${site.base}sitemap.xml`));
    const index = read(site, "sitemap.xml");
    assert.equal(XMLValidator.validate(index), true);
    const files: string[] = xml.parse(index).sitemapindex.sitemap.map((s: { loc: string }) => s.loc);
    const locs = new Set<string>();
    for (const f of files) {
      const body = read(site, path.relative(site.dir, fileOf(site, f)));
      assert.equal(XMLValidator.validate(body), true, `${f} is not well-formed`);
      for (const u of xml.parse(body).urlset.url) locs.add(u.loc);
    }
    const pages = filesOf(site.dir, ".html").filter((f) => f !== "404.html").map((f) => `${site.url}${site.base}${f.replace(/index\.html$/, "")}`);
    assert.deepEqual(pages.filter((p) => !locs.has(p)), [], "pages missing from the sitemap");
    for (const l of locs) assert.ok(existsSync(fileOf(site, l)), `sitemap lists ${l}, which has no page`);
  });

  test(`catalogue.bib holds every paper, the same entries as the pages' Cite boxes (${label})`, () => {
    const cat = catalogueOf(site);
    const bib = read(site, "catalogue.bib");
    const entries = bib.split(/\n(?=@misc\{)/).filter((e) => e.startsWith("@misc{"));
    assert.equal(entries.length, cat.papers.length);
    const keys = entries.map((e) => /^@misc\{([^,]+),/.exec(e)![1]);
    assert.equal(new Set(keys).size, keys.length, "BibTeX keys are unique");
    for (const e of entries) assert.ok(balanced(e), `unbalanced braces in ${e.slice(0, 80)}`);
    for (const p of cat.papers.slice(0, 40)) {
      const page = parseHtml(read(site, `${p.url.slice(1)}index.html`));
      const box = textOf(find(page, (n) => n.attribs?.id === "cite-bibtex")!);
      const key = p.url.split("/")[2];
      assert.equal(box.trimEnd(), entries.find((e) => e.startsWith(`@misc{${key},`))!.trimEnd(), `${p.url}: Cite box differs from catalogue.bib`);
    }
  });
}

/** Braces balance the way BibTeX counts them: every brace, escaped or not. */
function balanced(s: string): boolean {
  let depth = 0;
  for (const ch of s) {
    if (ch === "{") depth++;
    else if (ch === "}" && --depth < 0) return false;
  }
  return depth === 0;
}

test("BibTeX escaping: specials escaped, math kept readable when safe", () => {
  assert.equal(escapeBibtex("50% of A&B #1 x_i {a} \\b ^ ~ $"), "50\\% of A\\&B \\#1 x\\_i \\textbraceleft{}a\\textbraceright{} \\textbackslash{}b \\^{} \\~{} \\$");
  assert.deepEqual(titleParts("Learning in $O(\\sqrt{n})$ steps\\: a \\*note\\*"), [
    { math: false, text: "Learning in " },
    { math: true, text: "O(\\sqrt{n})" },
    { math: false, text: " steps: a *note*" },
  ]);
  assert.equal(bibtexTitle({ title: "", titleMarkdown: "Learning in $O(\\sqrt{n})$ steps & more" }), "Learning in $O(\\sqrt{n})$ steps \\& more");
  // Unbalanced or comment-bearing math is escaped as text instead.
  assert.equal(bibtexTitle({ title: "", titleMarkdown: "Bad $a}$ and $50%$" }), "Bad \\$a\\textbraceright{}\\$ and \\$50\\%\\$");
  const entry = bibtex({ url: "/papers/x-y/", title: "T", titleMarkdown: "T", published: "2024-02-03", authorNames: ["Ada Lovelace", "Smith, J.", "Tom and Jerry"], arxiv: "2402.01234" }, "https://example.org/catalogue/papers/x-y/", "Paper Catalogue");
  assert.equal(
    entry,
    "@misc{x-y,\n  title = {{T}},\n  author = {Ada Lovelace and {Smith, J.} and {Tom and Jerry}},\n  year = {2024},\n  month = feb,\n  eprint = {2402.01234},\n  archivePrefix = {arXiv},\n  url = {https://example.org/catalogue/papers/x-y/},\n  note = {Listed in Paper Catalogue}\n}\n",
  );
  assert.equal(plainCitation({ url: "/papers/x-y/", title: "T.", titleMarkdown: "T", published: null, authorNames: ["A", "B", "C", "D"], arxiv: "2402.01234" }, null), "A et al. (n.d.). T. arXiv:2402.01234. https://arxiv.org/abs/2402.01234");
});

test("property: any title and authors give a BibTeX entry with balanced braces, no bare %, no control characters", () => {
  fc.assert(
    fc.property(fc.string(), fc.string(), fc.array(fc.string(), { maxLength: 4 }), (title, md, authors) => {
      const e = bibtex({ url: "/papers/p/", title, titleMarkdown: md, published: null, authorNames: authors }, null, "Paper Catalogue");
      return balanced(e) && !/(^|[^\\])%/.test(e) && !/[\u0000-\u0009\u000b-\u001f]/.test(e);
    }),
    { numRuns: 2000 },
  );
});

test("JSON-LD cannot end its script element; hostile text in a feed stays well-formed XML", () => {
  const hostile = "</script><script>alert(1)</script> & \u2028 <!-- \u0001\u0007 \ud800 ]]>";
  const json = jsonForScript({ t: hostile });
  assert.ok(!/[<>&\u2028\u2029]/.test(json));
  assert.deepEqual(JSON.parse(json), { t: hostile });
  const card = (i: number): PaperCard & { description: string } => ({
    url: `/papers/p${i}/`,
    title: `${hostile} ${i}`,
    titleMarkdown: "",
    published: `2024-01-0${i}`,
    topics: ["a<b"],
    upvotes: null,
    authors: null,
    hasMath: false,
    authorNames: ['"Quote" & <Tag>'],
    description: hostile,
  });
  const out = atomFeed({ base: "/x/", url: null }, { path: "/feed.xml", home: "/", title: hostile, subtitle: hostile, papers: [card(2), card(1)], fallbackDate: null }, { topics: [] } as never);
  assert.equal(XMLValidator.validate(out), true);
  const feed = xml.parse(out).feed;
  assert.equal(feed.entry.length, 2);
  assert.equal(feed.entry[0].link[0]["@href"], "/x/papers/p2/");
  assert.equal(feed.updated, "2024-01-02T00:00:00Z");
});

test("--url: origin only, its path must be the base; ids do not depend on the host", () => {
  assert.equal(siteOrigin({ base: "/", url: "https://example.org" }), "https://example.org");
  assert.equal(siteOrigin({ base: "/catalogue/", url: "https://example.org/catalogue" }), "https://example.org");
  assert.throws(() => siteOrigin({ base: "/", url: "https://example.org/catalogue/" }), /--base/);
  assert.throws(() => siteOrigin({ base: "/", url: "ftp://example.org" }), /http/);
  assert.throws(() => siteOrigin({ base: "/", url: "example.org" }), /absolute/);
  assert.equal(urn("paper:/papers/x/"), urn("paper:/papers/x/"));
  assert.match(urn("x"), /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});
