// The hostile benchmark's cases: inputs that look ordinary to a reader but are extreme in one dimension.
import { compactDump, pageDump, prng } from "./synth.ts";
import { bundledEntries, compactDumps, dumpCase, prose, synthPapers, textCase, tokensCase, topicsCase, type HostileCase } from "./hostile.ts";

const rand = prng(24);
const gene = (n: number) => Array.from({ length: n }, () => "ACGT"[Math.floor(rand() * 4)]).join("");
const shortPapers = () => synthPapers(bundledEntries(), 140_000, 3).map((p) => ({ ...p, abstract: p.abstract.slice(0, 60) }));
const around = (middle: string) => `We sequence the region ${middle} and compare it with the reference genome.`;

export const cases: HostileCase[] = [
  textCase("8,000-letter word (a gene sequence)", () => [around(gene(8000))]),
  textCase("array with 5,000 columns (backslashes stripped)", () => [`The system is begin{array}{${"c".repeat(5000)}} ${Array.from({ length: 5000 }, (_, i) => `a_${i}`).join(" & ")} end{array} as shown.`]),
  textCase("array with 5,000 columns (backslashes kept)", () => [`The system is $\\begin{array}{${"c".repeat(5000)}} ${Array.from({ length: 5000 }, (_, i) => `a_${i}`).join(" & ")} \\end{array}$ as shown.`]),
  textCase("1 MB single-line abstract (prose)", () => [prose(1_000_000)]),
  textCase("1 MB single word of letters", () => ["x".repeat(1_000_000)]),
  textCase("20,000 nested braces", () => [`Let x^{${"{".repeat(20_000)}1${"}".repeat(20_000)}} hold.`]),
  textCase("200,000 dollar signs", () => ["$".repeat(200_000)]),
  textCase("100,000 one-letter inline maths ($a$ $b$ …)", () => [Array.from({ length: 100_000 }, (_, i) => `$${"abcdefghij"[i % 10]}$`).join(" ")]),
  textCase("100,000 math tokens in a row (x^2 x^2 …)", () => [Array.from({ length: 100_000 }, () => "x^2").join(" ")]),
  textCase("100,000 backslash commands in a row (\\alpha\\beta…)", () => ["\\alpha\\beta".repeat(50_000)]),
  textCase("50,000 stripped fractions (a{b} c{d} …)", () => [`where ${Array.from({ length: 50_000 }, () => "x_1{n}").join(" + ")} holds`]),
  textCase("100,000 URLs", () => [Array.from({ length: 100_000 }, (_, i) => `https://example.org/${i}`).join(" ")]),
  textCase("URL with 200,000 closing brackets", () => [`see https://example.org/a${")".repeat(200_000)}`]),
  textCase("200,000 backtick runs", () => [Array.from({ length: 100_000 }, () => "`a\\` ``").join(" ")]),
  textCase("100,000 opening quotes (``)", () => ["``a ".repeat(100_000)]),
  textCase("200,000 emphasis declarations ({\\em x})", () => ["{\\em x} ".repeat(200_000)]),
  textCase("500,000 full stops", () => [`x^2${".".repeat(500_000)}`]),
  topicsCase("1 MB single-line abstract (prose)", () => [prose(1_000_000)]),
  topicsCase("1 MB single word of letters", () => ["x".repeat(1_000_000)]),
  topicsCase("one word repeated 100,000 times", () => ["learning ".repeat(100_000)]),
  tokensCase("1 MB single-line abstract (prose)", () => [prose(1_000_000)]),
  tokensCase("1 MB single word of letters", () => ["x".repeat(1_000_000)]),
  tokensCase("one word repeated 100,000 times", () => ["learning ".repeat(100_000)]),
  tokensCase("a compound of 100,000 hyphenated parts", () => [Array.from({ length: 100_000 }, (_, i) => `w${i.toString(36)}x`).join("-")]),
  dumpCase("a dump line of 1 MB of spaces", () => [["spaces.txt", compactDump([{ title: "A Paper About Spaces", abstract: `Spaces${" ".repeat(1_000_000)}end.`, date: null, authors: null, upvotes: null }])]]),
  // About 115 bytes an entry (a title and a short abstract); the normal input is the same entries in dumps of 2,000.
  dumpCase("compact dump of 140,000 entries (16 MB)", () => compactDumps(shortPapers(), 140_000), () => compactDumps(shortPapers(), 2000)),
  dumpCase("70,000 copies of one paper (with upvotes)", () => {
    const p = { ...synthPapers(bundledEntries(), 1, 5)[0], date: "2024-03-05", authors: 3 };
    return [["copies.txt", pageDump(Array.from({ length: 70_000 }, (_, i) => ({ ...p, upvotes: i })))]];
  }),
];
