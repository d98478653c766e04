// Permalink stage: gives each paper a URL slug that never changes once published (the registry remembers it).
import slugify from "@sindresorhus/slugify";
import { sameWork } from "./merge.ts";

/** One published URL: the slug and the identity of the paper it belongs to. */
export interface RegistryEntry {
  slug: string;
  /** Title key (see merge.titleKey). */
  key: string;
  /** Start of the abstract fingerprint (see merge.abstractFingerprint). */
  fingerprint: string;
}

export const MAX_SLUG = 80;
const FINGERPRINT_CHARS = 300;

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
  fingerprint: string;
  /** Clean plain title the slug is made from. */
  title: string;
}

/**
 * Assigns slugs: a paper already in the registry keeps its slug; a new paper gets its title's slug,
 * or the first free `-2`, `-3` … variant. New papers are handled in id order, so input order never matters.
 * Returns the slug per id and the registry grown by the new papers (old entries are never removed).
 */
export function assignSlugs(papers: SlugInput[], registry: RegistryEntry[]): { slugs: Map<string, string>; registry: RegistryEntry[] } {
  const taken = new Set(registry.map((r) => r.slug));
  const byKey = new Map<string, RegistryEntry[]>();
  for (const r of registry) {
    const same = byKey.get(r.key);
    if (same) same.push(r);
    else byKey.set(r.key, [r]);
  }
  const slugs = new Map<string, string>();
  const claimed = new Set<string>();
  const fresh: SlugInput[] = [];
  for (const p of [...papers].sort((a, b) => (a.id < b.id ? -1 : 1))) {
    const fp = p.fingerprint.slice(0, FINGERPRINT_CHARS);
    const known = (byKey.get(p.key) ?? []).find((r) => !claimed.has(r.slug) && sameWork(r.fingerprint, fp));
    if (known) {
      slugs.set(p.id, known.slug);
      claimed.add(known.slug);
    } else fresh.push(p);
  }
  const added: RegistryEntry[] = [];
  for (const p of fresh) {
    const base = baseSlug(p.title) || `paper-${p.id.slice(0, 8)}`;
    let slug = base;
    // Cut the base so the suffix fits in 80 characters, never leaving a doubled hyphen ("…-high-quality--2").
    for (let n = 2; taken.has(slug); n++) slug = `${base.slice(0, MAX_SLUG - String(n).length - 1).replace(/-+$/, "")}-${n}`;
    taken.add(slug);
    slugs.set(p.id, slug);
    added.push({ slug, key: p.key, fingerprint: p.fingerprint.slice(0, FINGERPRINT_CHARS) });
  }
  return { slugs, registry: mergeBySlug(registry, added) };
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
