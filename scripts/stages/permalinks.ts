// Permalink stage: gives each paper a URL slug that never changes once published (the registry remembers it), and lists the published URLs no paper holds any more.
import slugify from "@sindresorhus/slugify";
import { NearIndex, resemblance, SAME_PAPER } from "./identity.ts";

/** One published URL: the slug and the identity of the paper it belongs to. */
export interface RegistryEntry {
  slug: string;
  /** Title key (see merge.titleKey). */
  key: string;
  /** Start of the abstract fingerprint (see merge.abstractFingerprint): its first 300 letters. */
  fingerprint: string;
  /**
   * Last 64 letters of the whole fingerprint when it is longer than `fingerprint`: tells apart papers of one title whose
   * abstracts open with the same 300 letters. Absent when the fingerprint is whole, and in entries registered without it.
   */
  end?: string;
}

/** A published URL no paper of the catalogue holds now: a "gone" page is rendered there. */
export interface GonePage {
  slug: string;
  /** The title key it was registered under (the page's search query). */
  key: string;
  /** Slug of the paper it was merged into (a paper of the same title that resembles it), or null when it left. */
  mergedInto: string | null;
}

export const MAX_SLUG = 80;
const FINGERPRINT_CHARS = 300;
const END_CHARS = 64;
/** Groups with at most this many (paper, registry entry) pairs compare every pair; larger ones go through an index. */
const SCAN_PAIRS = 64;

/** Title → lowercase ASCII slug of at most 80 characters, cut at a word boundary; "" when nothing ASCII is left. */
export function baseSlug(title: string): string {
  // NFKC first: math in plain titles (k⁻³, ℓₚ) becomes letters and digits (k−3, lp) instead of vanishing.
  const s = slugify(title.normalize("NFKC"), { lowercase: true, decamelize: false, separator: "-" }).replace(/[^a-z0-9-]/g, "");
  if (s.length <= MAX_SLUG) return s;
  const cut = s.slice(0, MAX_SLUG + 1);
  const at = cut.lastIndexOf("-");
  return (at > 20 ? cut.slice(0, at) : s.slice(0, MAX_SLUG)).replace(/-+$/, "");
}

export interface SlugInput {
  id: string;
  key: string;
  /** The paper's whole abstract fingerprint (merge.abstractFingerprint of its longest version). */
  fingerprint: string;
  /** Clean plain title the slug is made from. */
  title: string;
}

/**
 * How well a registered URL fits a paper of its title: the resemblance of the registered opening to the paper's
 * fingerprint (identity.resemblance; below SAME_PAPER it does not fit), plus 0.5 when the paper's fingerprint holds
 * the registered end.
 */
function fit(r: RegistryEntry, p: SlugInput): number {
  const score = resemblance(r.fingerprint, p.fingerprint);
  if (score < SAME_PAPER) return 0;
  return score + (r.end !== undefined && p.fingerprint.includes(r.end) ? 0.5 : 0);
}

const byId = (a: SlugInput, b: SlugInput) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const exactKey = (fingerprint: string, end: string | undefined) => `${fingerprint}\u0000${end ?? ""}`;

/**
 * Matches a title's papers with its registered URLs, one to one: first exact matches (the registered opening and end
 * are the paper's), in id order; then the best-fitting pairs first (ties: paper id, then slug). Large groups look up
 * candidates through identity.NearIndex, so a title held by n papers costs O(n) lookups, not n² comparisons.
 */
function matchGroup(papers: SlugInput[], entries: RegistryEntry[], slugs: Map<string, string>, claimed: Set<string>): void {
  const exact = new Map<string, RegistryEntry[]>();
  for (const r of entries) {
    const k = exactKey(r.fingerprint, r.end);
    const list = exact.get(k);
    if (list) list.push(r);
    else exact.set(k, [r]);
  }
  const take = (p: SlugInput, r: RegistryEntry) => {
    slugs.set(p.id, r.slug);
    claimed.add(r.slug);
  };
  const rest: SlugInput[] = [];
  for (const p of papers) {
    const start = p.fingerprint.slice(0, FINGERPRINT_CHARS);
    const end = p.fingerprint.length > FINGERPRINT_CHARS ? p.fingerprint.slice(-END_CHARS) : undefined;
    // Each list is consumed from its front, so a title with thousands of alike openings stays linear.
    const list = exact.get(exactKey(start, end)) ?? exact.get(exactKey(start, undefined));
    while (list?.length && claimed.has(list[0].slug)) list.shift();
    if (list?.length) take(p, list.shift()!);
    else rest.push(p);
  }
  const open = entries.filter((r) => !claimed.has(r.slug));
  if (!rest.length || !open.length) return;
  const pairs: { p: SlugInput; r: RegistryEntry; score: number }[] = [];
  if (rest.length * open.length <= SCAN_PAIRS) {
    for (const p of rest) for (const r of open) pairs.push({ p, r, score: fit(r, p) });
  } else {
    const index = new NearIndex<RegistryEntry>();
    for (const r of open) index.add(r, r.fingerprint);
    for (const p of rest) for (const { item: r } of index.lookup(p.fingerprint.slice(0, FINGERPRINT_CHARS))) pairs.push({ p, r, score: fit(r, p) });
  }
  pairs.sort((a, b) => b.score - a.score || byId(a.p, b.p) || (a.r.slug < b.r.slug ? -1 : 1));
  for (const { p, r, score } of pairs) if (score > 0 && !slugs.has(p.id) && !claimed.has(r.slug)) take(p, r);
}

/** For a registered URL no paper holds: the slug of the paper of its title that fits it best, or null. */
function mergeTarget(r: RegistryEntry, papers: SlugInput[], index: () => NearIndex<SlugInput> | null, slugs: Map<string, string>): string | null {
  const candidates = index()?.lookup(r.fingerprint).map((c) => c.item) ?? papers;
  let best: { p: SlugInput; score: number } | null = null;
  for (const p of candidates) {
    const score = fit(r, p);
    if (score > 0 && (!best || score > best.score || (score === best.score && byId(p, best.p) < 0))) best = { p, score };
  }
  return best ? slugs.get(best.p.id)! : null;
}

/**
 * Assigns slugs: a paper whose registered URL fits it (see matchGroup) keeps that slug; a new paper gets its title's
 * slug, or the first free `-2`, `-3` … variant. New papers are handled in id order, so input order never matters.
 * Returns the slug per id, the registry grown by the new papers (entries are never removed) and the registered URLs no
 * paper holds now, each with the paper it was merged into, if any.
 */
export function assignSlugs(papers: SlugInput[], registry: RegistryEntry[]): { slugs: Map<string, string>; registry: RegistryEntry[]; gone: GonePage[] } {
  const registered = new Map<string, RegistryEntry[]>();
  for (const r of registry) {
    const same = registered.get(r.key);
    if (same) same.push(r);
    else registered.set(r.key, [r]);
  }
  const sorted = [...papers].sort(byId);
  const byKey = new Map<string, SlugInput[]>();
  for (const p of sorted) {
    const same = byKey.get(p.key);
    if (same) same.push(p);
    else byKey.set(p.key, [p]);
  }
  const slugs = new Map<string, string>();
  const claimed = new Set<string>();
  for (const [key, group] of byKey) {
    const entries = registered.get(key);
    if (entries) matchGroup(group, entries, slugs, claimed);
  }
  const taken = new Set(registry.map((r) => r.slug));
  // Per base slug, the next suffix to try: each is tried once, so n papers of one title cost O(n), not O(n²).
  const nextSuffix = new Map<string, number>();
  const added: RegistryEntry[] = [];
  for (const p of sorted) {
    if (slugs.has(p.id)) continue;
    const base = baseSlug(p.title) || `paper-${p.id.slice(0, 8)}`;
    let slug = base;
    let n = nextSuffix.get(base) ?? 2;
    // Cut the base so the suffix fits in 80 characters, never leaving a doubled hyphen ("…-high-quality--2").
    while (taken.has(slug)) slug = `${base.slice(0, MAX_SLUG - String(n).length - 1).replace(/-+$/, "")}-${n++}`;
    nextSuffix.set(base, n);
    taken.add(slug);
    slugs.set(p.id, slug);
    const entry: RegistryEntry = { slug, key: p.key, fingerprint: p.fingerprint.slice(0, FINGERPRINT_CHARS) };
    if (p.fingerprint.length > FINGERPRINT_CHARS) entry.end = p.fingerprint.slice(-END_CHARS);
    added.push(entry);
  }
  const gone: GonePage[] = [];
  for (const [key, entries] of registered) {
    const group = byKey.get(key) ?? [];
    let index: NearIndex<SlugInput> | null | undefined;
    const lazyIndex = () => {
      if (index === undefined) {
        index = group.length * entries.length <= SCAN_PAIRS ? null : new NearIndex<SlugInput>();
        for (const p of index ? group : []) index!.add(p, p.fingerprint.slice(0, FINGERPRINT_CHARS));
      }
      return index;
    };
    for (const r of entries) if (!claimed.has(r.slug)) gone.push({ slug: r.slug, key, mergedInto: group.length ? mergeTarget(r, group, lazyIndex, slugs) : null });
  }
  gone.sort((a, b) => (a.slug < b.slug ? -1 : 1));
  return { slugs, registry: mergeBySlug(registry, added), gone };
}

const bySlug = (a: RegistryEntry, b: RegistryEntry) => (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0);

/**
 * The entries of both lists in slug order. A registry the ingest wrote is already in that order: the new entries are
 * merged in rather than all 100,000 sorted again (a rebuild adds a few hundred).
 */
function mergeBySlug(registry: RegistryEntry[], added: RegistryEntry[]): RegistryEntry[] {
  const sorted = registry.every((r, i) => i === 0 || bySlug(registry[i - 1], r) < 0);
  if (!sorted) return [...registry, ...added].sort(bySlug);
  added.sort(bySlug);
  const out: RegistryEntry[] = [];
  let j = 0;
  for (const r of registry) {
    while (j < added.length && bySlug(added[j], r) < 0) out.push(added[j++]);
    out.push(r);
  }
  while (j < added.length) out.push(added[j++]);
  return out;
}
