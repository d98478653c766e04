// Overrides stage: applies the curators' corrections (content/overrides.yaml) on top of what the dumps say.
import { z } from "zod";
import type { Paper, Warning } from "../types.ts";
import { isoDateProblem } from "./dates.ts";
import { cleanText } from "./text.ts";

const httpUrl = z.string().regex(/^https?:\/\/[^\s<>"]+$/, "must be an http(s) URL");

/** One paper's corrections; every field is optional, unknown fields are an error. */
export const overrideSchema = z
  .object({
    title: z.string().min(1).optional(),
    date: z
      .string()
      .superRefine((d, ctx) => {
        const problem = isoDateProblem(d);
        if (problem) ctx.addIssue({ code: "custom", message: `${JSON.stringify(d)}: ${problem}` });
      })
      .nullable()
      .optional(),
    topics: z.array(z.string().regex(/^[a-z0-9-]+$/)).min(1).max(3).optional(),
    arxiv: z.string().regex(/^\d{4}\.\d{4,5}(v\d+)?$/, "must be an arXiv id like 2301.01234").optional(),
    authors: z.array(z.string().min(1)).optional(),
    links: z.array(httpUrl).optional(),
  })
  .strict();

export type Override = z.infer<typeof overrideSchema>;

export interface OverridesFile {
  file: string;
  /** Parsed YAML: paper slug → override. */
  data: unknown;
  /** Line of each top-level key, for messages. */
  lines: Map<string, number>;
}

/** Validates the overrides file; a bad entry is reported (file, line, field, value) and skipped, the rest apply. */
export function applyOverrides(papers: Paper[], overrides: OverridesFile, topicIds: Set<string>): { papers: Paper[]; warnings: Warning[] } {
  const warnings: Warning[] = [];
  const { file, data, lines } = overrides;
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    if (data !== null && data !== undefined) warnings.push({ file, line: 1, message: "expected a mapping of paper slug → fields" });
    return { papers, warnings };
  }
  // Only the named papers are looked up: a map of every paper took a few hundred ms of the rebuild at 100,000 papers.
  const named = new Set(Object.keys(data));
  const bySlug = new Map<string, Paper>();
  for (const p of papers) if (named.has(p.slug)) bySlug.set(p.slug, p);
  const out = new Map<string, Paper>();
  for (const [slug, raw] of Object.entries(data as Record<string, unknown>)) {
    const line = lines.get(slug) ?? 0;
    const paper = bySlug.get(slug);
    if (!paper) {
      warnings.push({ file, line, message: `override for "${slug}" names no paper in the catalogue` });
      continue;
    }
    const parsed = overrideSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      warnings.push({ file, line, message: `override for "${slug}": ${issue.path.join(".") || "(entry)"}: ${issue.message}; override ignored` });
      continue;
    }
    const o = parsed.data;
    const unknownTopic = o.topics?.find((t) => !topicIds.has(t));
    if (unknownTopic) {
      warnings.push({ file, line, message: `override for "${slug}": topic "${unknownTopic}" is not in the taxonomy; override ignored` });
      continue;
    }
    out.set(slug, {
      ...paper,
      ...(o.title !== undefined ? { title: cleanText(o.title), textKeys: { title: null, abstract: paper.textKeys?.abstract ?? null } } : {}),
      ...(o.date !== undefined ? { date: o.date } : {}),
      ...(o.topics ? { topics: o.topics } : {}),
      ...(o.arxiv ? { arxiv: o.arxiv } : {}),
      ...(o.authors ? { authorNames: o.authors, authors: o.authors.length } : {}),
      ...(o.links ? { links: o.links } : {}),
    });
  }
  return { papers: out.size ? papers.map((p) => out.get(p.slug) ?? p) : papers, warnings };
}
