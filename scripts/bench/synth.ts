// Synthetic dumps for the benchmark: titles and sentences of the bundled dumps recombined, in the three real layouts, deterministically.
import type { Entry } from "../types.ts";

/** Small seeded PRNG (mulberry32): the same seed gives the same catalogue. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SynthPaper {
  title: string;
  abstract: string;
  date: string | null;
  authors: number | null;
  upvotes: number | null;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** `n` papers made from the seed entries: each title joins the head of one real title to the tail of another. */
export function synthPapers(seed: Entry[], n: number, seedNumber = 1): SynthPaper[] {
  const rand = prng(seedNumber);
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
  const titles = [...new Set(seed.map((e) => e.title))].map((t) => t.split(" "));
  const sentences = seed.flatMap((e) => e.abstract.split(/(?<=\.)\s+(?=[A-Z])/)).filter((s) => s.length > 20);
  const seen = new Set<string>();
  const papers: SynthPaper[] = [];
  while (papers.length < n) {
    const a = pick(titles);
    const b = pick(titles);
    const cut = 1 + Math.floor(rand() * Math.max(1, a.length - 1));
    const title = [...a.slice(0, cut), ...b.slice(Math.floor(b.length / 2))].join(" ");
    if (seen.has(title)) continue;
    seen.add(title);
    const count = 4 + Math.floor(rand() * 6);
    let abstract = Array.from({ length: count }, () => pick(sentences)).join(" ");
    if (abstract.length > 1900) abstract = abstract.slice(0, 1900);
    const dated = rand() < 0.3;
    papers.push({
      title,
      abstract,
      date: dated ? `${2019 + Math.floor(rand() * 7)}-${String(1 + Math.floor(rand() * 12)).padStart(2, "0")}-${String(1 + Math.floor(rand() * 28)).padStart(2, "0")}` : null,
      authors: dated ? 1 + Math.floor(rand() * 12) : null,
      upvotes: dated && rand() < 0.5 ? Math.floor(rand() * 200) : null,
    });
  }
  return papers;
}

const PAGE_HEADER = "new\n\nGet trending papers in your email inbox!\n\nSubscribe\n\nDaily Papers\n\nbyAK and the research community\n\nJan 8\n\n";

function metaDate(iso: string, upvotes: number | null): string {
  const [y, m, d] = iso.split("-");
  return `${MONTHS[Number(m) - 1]} ${Number(d)}, ${y}${upvotes !== null ? ` ${upvotes}` : ""}`;
}

/** A "Daily Papers" page dump; with meta blocks when the papers carry a date. */
export function pageDump(papers: SynthPaper[]): string {
  return (
    PAGE_HEADER +
    papers
      .map((p) => `${p.title}\n\n${p.abstract}\n` + (p.date ? `\n  • ${p.authors ?? 1} authors\n·\n${metaDate(p.date, p.upvotes)}\n` : ""))
      .join("\n")
  );
}

/** A compact dump: two header lines, `Subscribe` glued to the first title, then title/abstract lines. */
export function compactDump(papers: SynthPaper[]): string {
  return "Get trending papers in your email inbox once a day!\nGet trending papers in your email inbox!\nSubscribe" + papers.map((p) => `${p.title}\n${p.abstract}\n`).join("");
}

/** Splits papers into dump files of at most `perFile`, cycling through the layouts; dated papers go to page dumps. */
export function dumpFiles(papers: SynthPaper[], perFile = 2000, prefix = "synth"): Map<string, string> {
  const files = new Map<string, string>();
  const dated = papers.filter((p) => p.date);
  const undated = papers.filter((p) => !p.date);
  let n = 0;
  const name = () => `${prefix}_${String(n++).padStart(4, "0")}.txt`;
  for (let i = 0; i < dated.length; i += perFile) files.set(name(), pageDump(dated.slice(i, i + perFile)));
  for (let i = 0, k = 0; i < undated.length; i += perFile, k++) {
    const chunk = undated.slice(i, i + perFile);
    files.set(name(), k % 2 === 0 ? compactDump(chunk) : pageDump(chunk));
  }
  return files;
}
