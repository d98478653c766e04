// The catalogue's data model: one Entry per paper block read from a dump, one Paper per distinct paper.

/** Where an entry was read: dump file name (no directory) and 1-based line of its title. */
export interface SourceRef {
  /** Dump file name, e.g. `000_1275fc8230ab7f90.txt`. */
  file: string;
  /** 1-based line number of the entry's title in that file. */
  line: number;
  /** The title exactly as read from that dump (untrusted raw text). */
  title: string;
}

/** One paper block as read from one dump, before any cleaning. All strings are raw, untrusted text. */
export interface Entry {
  source: SourceRef;
  /** Raw title line, trimmed. */
  title: string;
  /** Raw abstract, whitespace-collapsed to one line. */
  abstract: string;
  /** Publication date `YYYY-MM-DD` when the dump has a meta block with a real date in 1900–2100 (stages/dates.ts), else null. */
  date: string | null;
  /** Hugging Face upvotes when the meta block has them as an exact (safe) integer, else null; a bad one is warned about. */
  upvotes: number | null;
  /** Author count when the meta block has it as an exact (safe) integer, else null; a bad one is warned about. */
  authors: number | null;
  /** True when the parser saw the entry end early (e.g. last entry of a file cut mid-block). */
  truncated: boolean;
}

/** An entry the parser could not read. */
export interface Rejected {
  file: string;
  line: number;
  reason: string;
}

/** A problem worth telling the user about that did not stop the entry (or file) from being read. */
export interface Warning {
  file: string;
  /** 1-based line, or 0 for the whole file. */
  line: number;
  message: string;
}

/** Output of the text stage for one field. */
export interface CleanText {
  /**
   * Markdown for markdown-it: every prose character escaped, math as `$…$` spans, emphasis as `*…*`. Like `plain`, its
   * bidi embeddings, overrides and isolates are balanced (stages/text/bidi.ts): what the text opens, it closes.
   */
  markdown: string;
  /** Plain Unicode text for <title>, meta tags, feeds, catalogue.json and search (no TeX, no markup), bidi-balanced. */
  plain: string;
  /** Counts for the build report. */
  stats: TextStats;
}

export interface TextStats {
  /** Math spans delimited for KaTeX. */
  mathSpans: number;
  /** Candidate math spans left as (escaped) text because restoration was not confident. */
  leftAsText: number;
  /** Text-mode commands converted (`{\em x}`, `{\L}`, ``…'', `\ie` …). */
  textCommands: number;
  /** TeX tokens a reader still sees outside typeset math (for the build report); empty for most texts. */
  rawTexLeft: string[];
}

/** Why two papers are related: the target and the shared terms. */
export interface Related {
  id: string;
  /** Similarity score in [0, 1]. */
  score: number;
  /** 2–4 terms (readable words, not stems) that the two papers share most. */
  terms: string[];
}

/** One distinct paper: the merge of every entry that names it. */
export interface Paper {
  /**
   * Identity within a build: hex hash of the normalised title and the start of the shown abstract's fingerprint (of the
   * whole fingerprint when two papers' starts collide); unique, never shown. URLs come from the registry, not from it.
   */
  id: string;
  /** URL slug, `/papers/<slug>/`; ASCII, stable across builds (see permalinks registry). */
  slug: string;
  title: CleanText;
  abstract: CleanText;
  /** `YYYY-MM-DD` in 1900–2100, or null (as Entry; a curator's override is held to the same range). */
  date: string | null;
  /** Exact upvotes and author count, or null (as Entry). */
  upvotes: number | null;
  authors: number | null;
  /** Links found in the abstract (GitHub, project pages), in order of appearance, deduplicated. */
  links: string[];
  /** Topic ids, ranked, 1–3 of them ("unsorted" when nothing fits). */
  topics: string[];
  /** Key terms (readable phrases), most characteristic first. */
  keywords: string[];
  /** The 5 most related papers. */
  related: Related[];
  /** Every entry merged into this paper, sorted by file then line. */
  sources: SourceRef[];
  /** Optional curator fields (from the overrides file). */
  arxiv?: string | null;
  authorNames?: string[];
  /**
   * Where the raw title and abstract were read, as cache keys (dump hash:line:field, see pipeline.ts): `title` and
   * `abstract` are functions of them. Null for text not read from a dump file, or replaced by a curator's override.
   */
  textKeys?: { title: string | null; abstract: string | null };
}
