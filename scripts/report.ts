// The build report: what was read, merged, written, rejected and warned about, as short text lines.
import type { State } from "./pipeline.ts";
import { printable } from "./printable.ts";

export interface ReportFigures {
  dumps: { file: string; layout: string; entries: number }[];
  entries: number;
  papers: number;
  duplicatesMerged: number;
  rejected: number;
  warnings: number;
  math: { spans: number; leftAsText: number; textCommands: number };
  rawTexLeft: { slug: string; tokens: string[] }[];
  topics: { id: string; count: number; share: number }[];
}

export function figures(s: State): ReportFigures {
  const math = { spans: 0, leftAsText: 0, textCommands: 0 };
  const rawTexLeft: ReportFigures["rawTexLeft"] = [];
  const topicCounts = new Map<string, number>();
  for (const p of s.papers) {
    for (const t of [p.title, p.abstract]) {
      math.spans += t.stats.mathSpans;
      math.leftAsText += t.stats.leftAsText;
      math.textCommands += t.stats.textCommands;
    }
    const tokens = [...new Set([...p.title.stats.rawTexLeft, ...p.abstract.stats.rawTexLeft])];
    if (tokens.length) rawTexLeft.push({ slug: p.slug, tokens });
    for (const t of p.topics) topicCounts.set(t, (topicCounts.get(t) ?? 0) + 1);
  }
  // Counted per dump: a build that extends the last one's snapshot holds only the new dumps' entries (pipeline.ts).
  const entries = s.perDump.reduce((n, d) => n + d.entries, 0);
  return {
    dumps: s.perDump,
    entries,
    papers: s.papers.length,
    duplicatesMerged: entries - s.papers.length,
    rejected: s.rejected.length,
    warnings: s.warnings.length,
    math,
    rawTexLeft: rawTexLeft.sort((a, b) => (a.slug < b.slug ? -1 : 1)),
    topics: [...topicCounts.entries()]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .map(([id, count]) => ({ id, count, share: count / Math.max(1, s.papers.length) })),
  };
}

export function formatReport(s: State, pages: { written: number; unchanged: number; removed: number }): string {
  const f = figures(s);
  const lines: string[] = [];
  lines.push("Dumps read:");
  for (const d of f.dumps) lines.push(`  ${d.file}: ${d.entries} entries (${d.layout})`);
  lines.push(`Entries: ${f.entries}; duplicates merged: ${f.duplicatesMerged}; papers: ${f.papers}`);
  if (s.carried) lines.push(`Unchanged since the last build: ${s.carried} of ${f.dumps.length} dumps, their papers taken from it (only the other dumps were read)`);
  lines.push(`Pages: ${pages.written} written, ${pages.unchanged} unchanged, ${pages.removed} removed`);
  if (s.gone.length) lines.push(`Published URLs no paper holds: ${s.gone.length}, each a "gone" page (${s.gone.filter((g) => g.mergedInto !== null).length} pointing to the paper it merged into)`);
  if (s.searched !== null) lines.push(s.searched < f.papers ? `Related papers: searched for ${s.searched} of ${f.papers} papers; the others kept the last build's lists, which no new paper can enter` : `Related papers: all ${f.papers} papers searched`);
  lines.push(`Math: ${f.math.spans} spans typeset, ${f.math.leftAsText} left as text; ${f.math.textCommands} text-mode commands converted`);
  if (f.rawTexLeft.length) {
    lines.push(`Raw LaTeX still visible in ${f.rawTexLeft.length} papers:`);
    for (const r of f.rawTexLeft) lines.push(`  /papers/${r.slug}/: ${r.tokens.join(" ")}`);
  } else lines.push("Raw LaTeX still visible: none");
  lines.push(`Topics: ${f.topics.map((t) => `${t.id} ${t.count} (${(t.share * 100).toFixed(1)}%)`).join(", ")}`);
  lines.push(`Rejected entries: ${f.rejected}`);
  for (const r of s.rejected) lines.push(`  ${r.file}:${r.line}: ${r.reason}`);
  lines.push(`Warnings: ${f.warnings}`);
  for (const w of s.warnings) lines.push(`  ${w.file}${w.line ? `:${w.line}` : ""}: ${w.message}`);
  // File names, titles and messages come from the input: a newline or an escape sequence in one must not print as one.
  return lines.map(printable).join("\n");
}
