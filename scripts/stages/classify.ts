// Classify stage: assigns 1–3 ranked topics to each paper from the taxonomy's rules.
//
// The taxonomy (content/taxonomy.yaml, documented there) lists topics with weighted regular-expression
// rules. A paper's score for a topic is the sum over the topic's rules of
//   weight × titleWeight            when the pattern occurs in the title (counted once), plus
//   weight × min(matches, abstractCap) over the abstract.
// The best topic is kept when it reaches minScore; up to maxTopics−1 more follow when they reach both
// minScore and secondaryRatio × the best score. Papers with no topic get UNSORTED_ID. Pure and
// deterministic: ties are broken by the topics' order in the file.
import { z } from "zod";
import type { Paper } from "../types.ts";

/** Reserved id of the bucket for papers that no topic fits; shown to readers as "Unsorted". */
export const UNSORTED_ID = "unsorted";
/** Display record for the unsorted bucket (not part of the taxonomy file). */
export const UNSORTED_TOPIC: Topic = {
  id: UNSORTED_ID,
  name: "Unsorted",
  description: "Papers that none of the catalogue's topics describes well.",
  rules: [],
};

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

function compiles(source: string): boolean {
  try {
    new RegExp(source, "u");
    return true;
  } catch {
    return false;
  }
}

const RuleSchema = z.strictObject({
  match: z.string().min(1).refine(compiles, { message: "not a valid regular expression" }),
  weight: z.number().finite().refine((w) => w !== 0, { message: "weight must not be 0" }),
  case: z.boolean().optional(),
  field: z.enum(["title", "abstract", "both"]).optional(),
});

const TopicSchema = z.strictObject({
  id: z
    .string()
    .regex(SLUG, { message: "id must be a lowercase ASCII slug (a-z, 0-9, single hyphens)" })
    .refine((id) => id !== UNSORTED_ID, { message: `id "${UNSORTED_ID}" is reserved` }),
  name: z.string().trim().min(1),
  description: z
    .string()
    .trim()
    .min(1)
    .refine((d) => !/[\r\n]/.test(d), { message: "description must be one line" }),
  rules: z.array(RuleSchema).min(1),
});

const SettingsSchema = z.strictObject({
  titleWeight: z.number().positive().default(3),
  abstractCap: z.number().int().positive().default(3),
  minScore: z.number().positive().default(4),
  secondaryRatio: z.number().min(0).max(1).default(0.5),
  maxTopics: z.number().int().min(1).max(3).default(3),
});

const TaxonomySchema = z
  .strictObject({
    settings: SettingsSchema.default({ titleWeight: 3, abstractCap: 3, minScore: 4, secondaryRatio: 0.5, maxTopics: 3 }),
    topics: z.array(TopicSchema).min(1),
  })
  .superRefine((t, ctx) => {
    const seen = new Set<string>();
    t.topics.forEach((topic, i) => {
      if (seen.has(topic.id)) {
        ctx.addIssue({ code: "custom", path: ["topics", i, "id"], message: `duplicate topic id "${topic.id}"`, input: topic.id });
      }
      seen.add(topic.id);
    });
  });

export type Rule = z.infer<typeof RuleSchema>;
export type Topic = z.infer<typeof TopicSchema>;
export type TaxonomySettings = z.infer<typeof SettingsSchema>;
export type Taxonomy = z.infer<typeof TaxonomySchema>;

function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) out += typeof key === "number" ? `[${key}]` : out ? `.${String(key)}` : String(key);
  return out || "(root)";
}

function describeValue(value: unknown): string {
  if (value === undefined) return "missing";
  const text = JSON.stringify(value);
  if (text === undefined) return String(value);
  return text.length > 80 ? text.slice(0, 77) + "..." : text;
}

/** Validate the parsed taxonomy file; throws an Error naming the file, the path and the bad value. */
export function validateTaxonomy(data: unknown, file: string): Taxonomy {
  const result = TaxonomySchema.safeParse(data, { reportInput: true });
  if (result.success) return result.data;
  const lines = result.error.issues.slice(0, 10).map((issue) => {
    const where = formatPath(issue.path);
    const got = "input" in issue ? ` (got ${describeValue(issue.input)})` : "";
    return `  ${where}: ${issue.message}${got}`;
  });
  const more = result.error.issues.length > 10 ? `\n  … and ${result.error.issues.length - 10} more` : "";
  throw new Error(`${file}: invalid taxonomy\n${lines.join("\n")}${more}`);
}

interface CompiledRule {
  re: RegExp;
  /** Numbers (in `LiteralIndex`) of the literal starts of the pattern's alternatives; null when some alternative has none. */
  starts: number[] | null;
  caseSensitive: boolean;
  weight: number;
  title: boolean;
  abstract: boolean;
}

function compileRule(rule: Rule, literals: { lower: LiteralIndex; exact: LiteralIndex }): CompiledRule {
  const field = rule.field ?? "both";
  const starts = literalStarts(rule.match, Boolean(rule.case));
  const index = rule.case ? literals.exact : literals.lower;
  return {
    // A leading word boundary is implied so that "sam" does not match inside "sample".
    re: new RegExp(`(?<![\\p{L}\\p{N}])(?:${rule.match})`, rule.case ? "gu" : "giu"),
    weight: rule.weight,
    starts: starts && starts.map((l) => index.add(l)),
    caseSensitive: Boolean(rule.case),
    title: field !== "abstract",
    abstract: field !== "title",
  };
}

/**
 * A set of literals (two characters or more) and, for a text, which of them it contains: the same answer as
 * `text.includes(literal)` for each, in one pass over the text instead of one per literal (the taxonomy has ~750).
 * Literals are bucketed by their first three characters (two for two-character literals), so that a position is
 * compared with the few literals that can start there.
 */
class LiteralIndex {
  readonly literals: string[] = [];
  private readonly numbers = new Map<string, number>();
  private readonly buckets = [new Map<number, number[]>(), new Map<number, number[]>()];
  /** Per hashed first two / three characters: whether some literal starts so (rules out most positions without a lookup). */
  private readonly maybe = [new Uint8Array(65536), new Uint8Array(65536)];

  add(literal: string): number {
    let n = this.numbers.get(literal);
    if (n !== undefined) return n;
    n = this.literals.length;
    this.literals.push(literal);
    this.numbers.set(literal, n);
    const long = literal.length >= 3 ? 1 : 0;
    const [a, b, c] = [literal.charCodeAt(0), literal.charCodeAt(1), long ? literal.charCodeAt(2) : 0];
    const key = long ? (a * 65536 + b) * 65536 + c : a * 65536 + b;
    const list = this.buckets[long].get(key);
    if (list) list.push(n);
    else this.buckets[long].set(key, [n]);
    this.maybe[long][long ? (a * 961 + b * 31 + c) & 0xffff : (a * 31 + b) & 0xffff] = 1;
    return n;
  }

  /** Marks in `found` (cleared first) the literals that occur in `text`. */
  find(text: string, found: Uint8Array): void {
    found.fill(0);
    const [maybe2, maybe3] = this.maybe;
    const [short, long] = this.buckets;
    let a = text.charCodeAt(0);
    let b = text.charCodeAt(1);
    for (let i = 0; i + 1 < text.length; i++) {
      const c = i + 2 < text.length ? text.charCodeAt(i + 2) : -1;
      if (maybe2[(a * 31 + b) & 0xffff] === 1) for (const n of short.get(a * 65536 + b) ?? []) found[n] = 1;
      if (c >= 0 && maybe3[(a * 961 + b * 31 + c) & 0xffff] === 1) {
        for (const n of long.get((a * 65536 + b) * 65536 + c) ?? []) if (found[n] === 0 && text.startsWith(this.literals[n], i)) found[n] = 1;
      }
      a = b;
      b = c;
    }
  }
}

/**
 * The literal text each top-level alternative of a pattern must start with (e.g. `minimax|min-max|saddle[- ]points?`
 * → minimax, min-max, saddle). A text containing none of them cannot match, so the regular expression is skipped:
 * a shortcut that never changes a score. Returns null when an alternative starts with a group, class or escape.
 */
export function literalStarts(pattern: string, caseSensitive: boolean): string[] | null {
  const alternatives: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\") i++;
    else if (c === "(" || c === "[") depth++;
    else if (c === ")" || c === "]") depth--;
    else if (c === "|" && depth === 0) {
      alternatives.push(pattern.slice(from, i));
      from = i + 1;
    }
  }
  alternatives.push(pattern.slice(from));
  const starts: string[] = [];
  for (const alternative of alternatives) {
    const alt = alternative.replace(/^\\b/, "");
    if (alt.startsWith("(") && !alt.startsWith("(?")) {
      // A leading group that must occur: its own alternatives' starts will do.
      const close = closingParen(alt);
      const inner = close > 0 && !/^[?*{]/.test(alt.slice(close + 1)) ? literalStarts(alt.slice(1, close), caseSensitive) : null;
      if (!inner) return null;
      for (const s of inner) starts.push(s);
      continue;
    }
    const m = /^[\p{L}\p{N} '-]*/u.exec(alt)![0];
    // A quantifier after the run makes its last character optional.
    const literal = /^[?*{]/.test(alt.slice(m.length)) ? m.slice(0, -1) : m;
    if (literal.length < 2) return null;
    starts.push(caseSensitive ? literal : literal.toLowerCase());
  }
  return starts;
}

function closingParen(pattern: string): number {
  let depth = 0;
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] === "\\") i++;
    else if (pattern[i] === "(") depth++;
    else if (pattern[i] === ")" && --depth === 0) return i;
  }
  return -1;
}

/** False when the text holds none of the rule's literal starts (`lower`/`exact`: literals found, see LiteralIndex). */
function mayMatch(rule: CompiledRule, lower: Uint8Array, exact: Uint8Array): boolean {
  if (rule.starts === null) return true;
  const found = rule.caseSensitive ? exact : lower;
  for (const n of rule.starts) if (found[n] === 1) return true;
  return false;
}

function countMatches(re: RegExp, text: string, cap: number): number {
  re.lastIndex = 0;
  let n = 0;
  while (n < cap && re.exec(text) !== null) n++;
  return n;
}

export interface TopicScore {
  id: string;
  score: number;
}

/** Scores for every topic (in taxonomy order) for one title/abstract pair. */
export function scoreTopics(title: string, abstract: string, taxonomy: Taxonomy): TopicScore[] {
  return makeScorer(taxonomy)(title, abstract);
}

function makeScorer(taxonomy: Taxonomy): (title: string, abstract: string) => TopicScore[] {
  const { titleWeight, abstractCap } = taxonomy.settings;
  const literals = { lower: new LiteralIndex(), exact: new LiteralIndex() };
  const compiled = taxonomy.topics.map((t) => ({ id: t.id, rules: t.rules.map((r) => compileRule(r, literals)) }));
  const found = [literals.lower, literals.exact, literals.lower, literals.exact].map((l) => new Uint8Array(l.literals.length));
  const [titleLower, titleExact, abstractLower, abstractExact] = found;
  return (title, abstract) => {
    literals.lower.find(title.toLowerCase(), titleLower);
    literals.exact.find(title, titleExact);
    literals.lower.find(abstract.toLowerCase(), abstractLower);
    literals.exact.find(abstract, abstractExact);
    return compiled.map(({ id, rules }) => {
      let score = 0;
      for (const r of rules) {
        if (r.title && mayMatch(r, titleLower, titleExact) && countMatches(r.re, title, 1) > 0) score += r.weight * titleWeight;
        if (r.abstract && mayMatch(r, abstractLower, abstractExact)) score += r.weight * countMatches(r.re, abstract, abstractCap);
      }
      return { id, score: Math.round(score * 1000) / 1000 };
    });
  };
}

/** Ranked topic ids for one paper's scores (taxonomy order breaks ties). */
export function pickTopics(scores: TopicScore[], settings: TaxonomySettings): string[] {
  const ranked = scores
    .map((s, order) => ({ ...s, order }))
    .filter((s) => s.score >= settings.minScore)
    .sort((a, b) => b.score - a.score || a.order - b.order);
  if (ranked.length === 0) return [UNSORTED_ID];
  const best = ranked[0].score;
  return ranked
    .filter((s, i) => i === 0 || s.score >= settings.secondaryRatio * best)
    .slice(0, settings.maxTopics)
    .map((s) => s.id);
}

/** Ranked topic ids for each [title, abstract] pair (the rules are compiled once). */
export function topicsFor(texts: [title: string, abstract: string][], taxonomy: Taxonomy): string[][] {
  const score = makeScorer(taxonomy);
  return texts.map(([title, abstract]) => pickTopics(score(title, abstract), taxonomy.settings));
}

export function classify(papers: Paper[], taxonomy: Taxonomy): Paper[] {
  const topics = topicsFor(papers.map((p) => [p.title.plain, p.abstract.plain]), taxonomy);
  return papers.map((p, i) => ({ ...p, topics: topics[i] }));
}
