// Per-item tasks that the ingest may spread over worker threads (see parallel.ts): pure ones, same results inline or in
// workers, and the page listing and writes of io.ts, which one worker thread does while the ingest does other work.
import type { CleanText } from "./types.ts";
import { listPages, writePage, type FileStamp } from "./io.ts";
import { cleanText } from "./stages/text.ts";
import { topicsFor, type Taxonomy } from "./stages/classify.ts";
import { relateRange, type RangeInput, type RangeOutput } from "./stages/related/range.ts";
import { tokenize, type DocText, type TokenChunk } from "./stages/related/tfidf.ts";

export const tasks = {
  /** Raw strings → clean text. */
  text: (items: string[]): CleanText[] => items.map(cleanText),
  /** Raw [title, abstract] pairs → the clean text of each and the pair's topics (the text and topics tasks in one). */
  textAndTopics: (items: [string, string][], taxonomy: Taxonomy): [CleanText, CleanText, string[]][] => {
    const clean = items.map(([title, abstract]): [CleanText, CleanText] => [cleanText(title), cleanText(abstract)]);
    const topics = topicsFor(clean.map(([title, abstract]) => [title.plain, abstract.plain]), taxonomy);
    return clean.map(([title, abstract], i) => [title, abstract, topics[i]]);
  },
  /** [plain title, plain abstract] pairs → ranked topic ids. */
  topics: (items: [string, string][], taxonomy: Taxonomy): string[][] => topicsFor(items, taxonomy),
  /** Runs of consecutive documents → their terms, numbered within each run (see stages/related/tfidf.ts). */
  tokens: (items: DocText[][]): TokenChunk[] => items.map(tokenize),
  /** Document ranges [from, to) → their related lists and terms, on the shared corpus (see stages/related.ts). */
  related: (items: [number, number][], input: RangeInput): RangeOutput[] => items.map(([from, to]) => relateRange(input, from, to)),
  /** [file, text] pages → each written file's size and time (io.ts syncPages). */
  writePages: (items: [string, string][]): FileStamp[] => items.map(([file, text]) => writePage(file, text)),
  /** Folders → their files' sizes and times (io.ts listPages). */
  listPages: (dirs: string[]): Map<string, FileStamp>[] => dirs.map(listPages),
};

export type TaskName = keyof typeof tasks;
