// Several Pagefind bundles searched as one (large catalogues are indexed in shards: scripts/search-index.ts).
// Each bundle's own pagefind.js is an independent Pagefind instance; their results are merged here, by score for a
// relevance search and by the sort key for a sorted one (Pagefind's own mergeIndex orders merged results by score
// only, which would interleave the bundles' date or upvote orders). A classic script (search.js loads it on demand),
// as on a page opened from disk module scripts do not run; it sets `self.searchBundles`.
(() => {

  /** Sort keys read from a result's data (its meta), best first; ties keep the bundle order. */
  const KEYS = {
    date: (page) => page.meta?.date ?? "",
    upvotes: (page) => Number(page.meta?.upvotes ?? 0),
  };

  /** Query words as Pagefind compares them: lowercase letters and digits. */
  const words = (text) => text.toLowerCase().normalize("NFD").replace(/\p{M}/gu, "").split(/[^\p{L}\p{N}]+/u).filter(Boolean);

  /**
   * A bundle without any page holding a query word answers with pages matching ever shorter prefixes of it ("s" for
   * "Sinkhorn"), which one bundle over the whole catalogue never does when some page holds the word. So when some
   * bundle's best result marks every query word (or a word sharing all but its last three letters), the bundles whose best result
   * does not are dropped.
   */
  async function dropFallbacks(term, lists) {
    const query = words(term ?? "");
    if (!query.length) return lists;
    const exact = await Promise.all(
      lists.map(async (results) => {
        if (!results.length) return false;
        const page = await results[0].data();
        const marked = [...String(page.excerpt ?? "").matchAll(/<mark>(.*?)<\/mark>/g)].flatMap((m) => words(m[1]));
        const shared = (a, b) => {
          let n = 0;
          while (n < a.length && a[n] === b[n]) n++;
          return n;
        };
        return query.every((q) => marked.some((m) => shared(q, m) >= Math.min(q.length, Math.max(3, q.length - 3))));
      }),
    );
    return exact.some(Boolean) ? lists.map((results, i) => (exact[i] ? results : [])) : lists;
  }

  /** Loads the extra bundles (folder URLs such as `https://host/pagefind-1/`; `moduleFor` gives a folder's Pagefind module) with the same options as the primary. */
  async function loadBundles(dirs, moduleFor, options) {
    return Promise.all(
      dirs.map(async (dir) => {
        const instance = await moduleFor(dir);
        await instance.options(options);
        await instance.init();
        return instance;
      }),
    );
  }

  /**
   * Searches every instance; returns `{ results }` like Pagefind's search(), each result with a `data()` that loads its
   * page. For a sorted search the merged order is found lazily: result i's data() merges only as far as i.
   */
  async function searchAll(instances, term, options) {
    const responses = await Promise.all(instances.map((i) => i.search(term, options)));
    if (responses.some((r) => !r)) return null;
    const lists = await dropFallbacks(term, responses.map((r) => r.results));
    const [sortName, direction] = Object.entries(options.sort ?? {})[0] ?? [];
    if (!sortName || !KEYS[sortName]) {
      const all = lists.flatMap((results, bundle) => results.map((r, rank) => ({ r, bundle, rank })));
      all.sort((a, b) => b.r.score - a.r.score || a.bundle - b.bundle || a.rank - b.rank);
      return { results: all.map((x) => x.r) };
    }
    const key = KEYS[sortName];
    const better = (a, b) => (direction === "asc" ? a < b : a > b);
    const cursors = lists.map(() => 0);
    const heads = lists.map((results) => (results.length ? results[0].data() : null));
    const merged = [];
    let busy = Promise.resolve();
    /** Data of the merged result at `i`: takes the best head until `i` is known (one merge at a time). */
    const at = (i) => {
      busy = busy.then(async () => {
        while (merged.length <= i) {
          const pages = await Promise.all(heads);
          let best = -1;
          for (let b = 0; b < pages.length; b++) {
            if (!pages[b]) continue;
            if (best < 0 || better(key(pages[b]), key(pages[best]))) best = b;
          }
          if (best < 0) break;
          merged.push(pages[best]);
          cursors[best]++;
          heads[best] = cursors[best] < lists[best].length ? lists[best][cursors[best]].data() : null;
        }
      });
      return busy.then(() => merged[i]);
    };
    const total = lists.reduce((n, results) => n + results.length, 0);
    return { results: Array.from({ length: total }, (_, i) => ({ data: () => at(i) })) };
  }

  self.searchBundles = { loadBundles, searchAll };
})();
