// Pure per-item tasks that the ingest may spread over worker threads (see parallel.ts): same results inline or in workers.
import type { CleanText } from "./types.ts";
import { cleanText } from "./stages/text.ts";
import { topicsFor, type Taxonomy } from "./stages/classify.ts";
import { writeFrontMatter } from "./frontmatter.ts";

export const tasks = {
  /** Raw strings → clean text. */
  text: (items: string[]): CleanText[] => items.map(cleanText),
  /** [plain title, plain abstract] pairs → ranked topic ids. */
  topics: (items: [string, string][], taxonomy: Taxonomy): string[][] => topicsFor(items, taxonomy),
  /** [body, front matter] pairs → page texts. */
  pages: (items: [string, Record<string, unknown>][]): string[] => items.map(([body, data]) => writeFrontMatter(body, data)),
};

export type TaskName = keyof typeof tasks;
