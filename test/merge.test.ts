// Merge and slug rules: which entries are one paper, which copy wins, and how URLs are made.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Entry } from "../scripts/types.ts";
import { merge, titleKey } from "../scripts/stages/merge.ts";
import { assignSlugs, baseSlug, MAX_SLUG } from "../scripts/stages/permalinks.ts";

function entry(file: string, line: number, title: string, abstract: string, extra: Partial<Entry> = {}): Entry {
  return { source: { file, line, title }, title, abstract, date: null, upvotes: null, authors: null, truncated: false, ...extra };
}

test("entries with the same title and abstract merge into one paper listing every source", () => {
  const papers = merge([entry("b.txt", 5, "A Title", "Same abstract."), entry("a.txt", 9, "A  title", "Same abstract.")]);
  assert.equal(papers.length, 1);
  assert.deepEqual(papers[0].entries.map((e) => `${e.source.file}:${e.source.line}`), ["a.txt:9", "b.txt:5"]);
});

test("the longest abstract wins and a cut-off copy never replaces it", () => {
  const full = "We study a problem in depth and prove that it has a solution in all cases.";
  const papers = merge([entry("a.txt", 1, "T", full), entry("b.txt", 1, "T", full.slice(0, 30))]);
  assert.equal(papers.length, 1);
  assert.equal(papers[0].rawAbstract, full);
});

test("a copy that kept LaTeX backslashes merges with one that lost them, and its text is kept", () => {
  const papers = merge([entry("a.txt", 1, "T", "A bound of O(epsilon^{-2})."), entry("b.txt", 1, "T", "A bound of O(\\epsilon^{-2}).")]);
  assert.equal(papers.length, 1);
  assert.equal(papers[0].rawAbstract, "A bound of O(\\epsilon^{-2}).");
});

test("date, authors and the highest upvote count come from whichever source has them", () => {
  const papers = merge([
    entry("a.txt", 1, "T", "Abstract.", { upvotes: 3 }),
    entry("b.txt", 1, "T", "Abstract.", { date: "2023-02-14", authors: 5, upvotes: 7 }),
  ]);
  assert.equal(papers[0].date, "2023-02-14");
  assert.equal(papers[0].authors, 5);
  assert.equal(papers[0].upvotes, 7);
});

test("two different papers with the same title stay two papers", () => {
  const papers = merge([entry("a.txt", 1, "Attention", "One abstract about transformers."), entry("b.txt", 1, "Attention", "Another abstract about human vision.")]);
  assert.equal(papers.length, 2);
  assert.notEqual(papers[0].id, papers[1].id);
});

test("merge output does not depend on input order", () => {
  const es = [entry("a.txt", 1, "X", "Abstract x."), entry("b.txt", 2, "Y", "Abstract y."), entry("c.txt", 3, "X", "Abstract x.")];
  assert.deepEqual(merge(es), merge([...es].reverse()));
});

test("title keys ignore case, spacing and punctuation", () => {
  assert.equal(titleKey("Sharpness-Aware  Training: for Free"), titleKey("sharpness aware training for free"));
});

test("slugs are lowercase ASCII, at most 80 characters, cut at a word boundary", () => {
  const s = baseSlug("Polyak-Łojasiewicz Inequality for Über-Parameterised Networks: A Very Long Title That Goes On and On Beyond Eighty Characters");
  assert.match(s, /^[a-z0-9]+(-[a-z0-9]+)*$/);
  assert.ok(s.length <= MAX_SLUG);
  assert.ok(s.startsWith("polyak-lojasiewicz-inequality-for-ueber-parameterised"));
});

test("titles with nothing ASCII get a safe fallback slug", () => {
  const { slugs } = assignSlugs([{ id: "abcdef0123456789", key: "深度学习", fingerprint: "x", title: "深度学习" }], []);
  assert.equal(slugs.get("abcdef0123456789"), "paper-abcdef01");
});

test("colliding slugs are numbered by paper id, whatever the input order", () => {
  const a = { id: "1", key: "k1", fingerprint: "a", title: "Same Title" };
  const b = { id: "2", key: "k2", fingerprint: "b", title: "Same Title!" };
  const one = assignSlugs([a, b], []).slugs;
  const two = assignSlugs([b, a], []).slugs;
  assert.deepEqual([...one.entries()].sort(), [...two.entries()].sort());
  assert.deepEqual([one.get("1"), one.get("2")], ["same-title", "same-title-2"]);
});

test("a paper in the registry keeps its slug even when another paper would now claim it", () => {
  const registry = [{ slug: "same-title", key: "k2", fingerprint: "b" }];
  const { slugs } = assignSlugs([{ id: "1", key: "k1", fingerprint: "a", title: "Same Title" }, { id: "2", key: "k2", fingerprint: "bbb", title: "Same Title" }], registry);
  assert.equal(slugs.get("2"), "same-title");
  assert.equal(slugs.get("1"), "same-title-2");
});

test("a numbered slug cut to fit 80 characters never ends its base in a doubled hyphen", () => {
  // 77 letters, a hyphen, two letters: cutting to make room for "-2" lands right after the hyphen.
  const title = `${"a".repeat(77)} bb`;
  const base = baseSlug(title);
  assert.equal(base[77], "-");
  const cut = base.slice(0, MAX_SLUG - 2);
  const { slugs } = assignSlugs([{ id: "2", key: "k2", fingerprint: "b", title }], [{ slug: base, key: "k1", fingerprint: "a" }]);
  const slug = slugs.get("2")!;
  assert.ok(slug.length <= MAX_SLUG, slug);
  assert.match(slug, /^[a-z0-9]+(-[a-z0-9]+)*$/, slug);
  assert.ok(slug.endsWith("-2") && slug.startsWith(cut.replace(/-+$/, "")), slug);
});
