// Paper identity: when two abstract fingerprints (merge.abstractFingerprint) are versions of one paper, and an index that finds the likely versions in bounded time.

/** Letters per shingle: a corrected letter changes at most this many of an abstract's shingles. */
const K = 8;
/** Shingles per winnowing window: two fingerprints sharing a run of K + W - 1 letters share an anchor. */
const W = 16;
/** Share of the shorter fingerprint's shingles the longer must hold for the two to be one paper. */
export const SAME_PAPER = 0.8;
/**
 * Fingerprints shorter than this are versions of one paper only as prefixes: in a text this short, one letter apart is
 * as likely another paper ("Payload 3 …", "Payload 4 …") as a typo, and real abstracts are several times longer.
 */
const FUZZY_FROM = 200;
/** Groups above this many members are searched through an index rather than compared with every member. */
const SCAN_UP_TO = 8;
/** An anchor held by more members than this is common text (a shared opening), not a sign of one paper: ignored. */
const POSTING_CAP = 8;
/** Members a lookup compares in full, the ones sharing most anchors first. */
const CANDIDATES = 4;

/** The K-letter shingles of a fingerprint, as 32-bit hashes (empty when it is shorter than K). */
function shingles(fp: string): Int32Array {
  const n = Math.max(0, fp.length - K + 1);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let h = 0x811c9dc5 | 0;
    for (let j = 0; j < K; j++) h = Math.imul(h ^ fp.charCodeAt(i + j), 0x01000193);
    out[i] = h;
  }
  return out;
}

/**
 * How much of the shorter fingerprint the longer one holds, in [0, 1]: 1 when one is a prefix of the other (a re-cut
 * or lengthened abstract), else the share of the shorter one's shingles found in the longer (a few corrected letters
 * lose a few shingles each). Fingerprints shorter than FUZZY_FROM count only as prefixes. Linear in their lengths.
 */
export function resemblance(a: string, b: string): number {
  const [s, l] = a.length <= b.length ? [a, b] : [b, a];
  if (l.startsWith(s)) return 1;
  if (s.length < FUZZY_FROM) return 0;
  const small = shingles(s);
  const large = new Set(shingles(l));
  let found = 0;
  for (const h of small) if (large.has(h)) found++;
  return found / small.length;
}

/** Whether two fingerprints of one title are versions of one paper. */
export function samePaper(a: string, b: string): boolean {
  return resemblance(a, b) >= SAME_PAPER;
}

/**
 * Winnowed anchors of a fingerprint: the smallest shingle hash of each window of W shingles, deduplicated, and of those
 * the half with an even hash (the same half in every fingerprint, so versions still share theirs; half the lookups' work).
 */
function anchors(fp: string): number[] {
  if (fp === lastAnchors.fp) return lastAnchors.anchors;
  const h = shingles(fp);
  const out = new Set<number>();
  // Sliding-window minimum over a deque of positions whose hashes increase: O(1) per shingle.
  const deque = new Int32Array(Math.max(1, h.length));
  let head = 0;
  let tail = 0;
  for (let i = 0; i < h.length; i++) {
    while (tail > head && h[deque[tail - 1]] > h[i]) tail--;
    deque[tail++] = i;
    if (deque[head] <= i - W) head++;
    if (i >= W - 1 || i === h.length - 1) {
      const min = h[deque[head]];
      if ((min & 1) === 0) out.add(min);
    }
  }
  lastAnchors = { fp, anchors: [...out] };
  return lastAnchors.anchors;
}

/** The last fingerprint's anchors: a lookup that finds nothing is followed by adding the same fingerprint. */
let lastAnchors: { fp: string; anchors: number[] } = { fp: "", anchors: [] };

/**
 * Members of one title group (cluster representatives, registry entries), found by fingerprint. Up to SCAN_UP_TO members
 * every one is a candidate; beyond, an inverted index of winnowed anchors gives at most CANDIDATES members per lookup,
 * those sharing most anchors, and anchors shared by more than POSTING_CAP members are ignored. A lookup therefore costs
 * O(L·W + anchors·POSTING_CAP + CANDIDATES·L) for fingerprints of length L, whatever the group's size: a group of n
 * versions is resolved in O(n·L) rather than O(n²·L). The price: a version whose only text in common with its paper
 * is shared by more than POSTING_CAP other papers of the same title, or that is under K + W - 1 letters long, is found
 * only by an exact fingerprint match, and otherwise becomes a paper of its own (a page too many, never one lost).
 */
export class NearIndex<T> {
  private readonly members: { item: T; fp: string; anchors?: Set<number> }[] = [];
  private readonly exact = new Map<string, number[]>();
  private postings: Map<number, number[]> | null = null;
  private readonly common = new Set<number>();

  add(item: T, fp: string): void {
    const i = this.members.push({ item, fp }) - 1;
    const same = this.exact.get(fp);
    if (same) same.push(i);
    else this.exact.set(fp, [i]);
    if (this.postings) this.post(i);
    else if (this.members.length > SCAN_UP_TO) {
      this.postings = new Map();
      for (let j = 0; j < this.members.length; j++) this.post(j);
    }
  }

  private post(i: number): void {
    for (const a of anchors(this.members[i].fp)) {
      if (this.common.has(a)) continue;
      const list = this.postings!.get(a);
      if (!list) this.postings!.set(a, [i]);
      else if (list.length < POSTING_CAP) list.push(i);
      else {
        this.postings!.delete(a);
        this.common.add(a);
      }
    }
  }

  /** Members that may be versions of `fp`, each with its resemblance, most alike first (ties: the earlier added). */
  lookup(fp: string): { item: T; score: number }[] {
    let picked: number[];
    if (!this.postings) picked = this.members.map((_, i) => i);
    else {
      const votes = new Map<number, number>();
      let counted = 0;
      for (const a of anchors(fp)) {
        const list = this.postings.get(a);
        if (!list) continue;
        counted++;
        for (const i of list) votes.set(i, (votes.get(i) ?? 0) + 1);
      }
      // A version of the same paper shares most of the anchors that are not common text: members sharing fewer than
      // half are not compared in full. The best CANDIDATES of the rest, by a linear pass (no sort of every member voted for).
      const top: [number, number][] = [];
      for (const v of votes) {
        if (2 * v[1] < counted) continue;
        let at = top.length;
        while (at > 0 && (top[at - 1][1] < v[1] || (top[at - 1][1] === v[1] && top[at - 1][0] > v[0]))) at--;
        if (at < CANDIDATES) {
          top.splice(at, 0, v);
          if (top.length > CANDIDATES) top.pop();
        }
      }
      picked = top.map(([i]) => i);
      for (const i of (this.exact.get(fp) ?? []).slice(0, CANDIDATES)) if (!picked.includes(i)) picked.push(i);
    }
    // Before the full comparison, a cheap one: a version shares most of its anchors, common or not (shared sentences
    // of different papers pass the vote, and would cost a full comparison each).
    const mine = anchors(fp);
    const alike = (i: number) => {
      if (!this.postings || mine.length === 0) return true;
      const theirs = (this.members[i].anchors ??= new Set(anchors(this.members[i].fp)));
      let shared = 0;
      for (const a of mine) if (theirs.has(a)) shared++;
      return 2 * shared >= Math.min(mine.length, theirs.size);
    };
    return picked
      .filter(alike)
      .map((i) => ({ i, score: resemblance(this.members[i].fp, fp) }))
      .filter((c) => c.score >= SAME_PAPER)
      .sort((x, y) => y.score - x.score || x.i - y.i)
      .map(({ i, score }) => ({ item: this.members[i].item, score }));
  }
}
