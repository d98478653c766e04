// Search page: drives Pagefind's JS API from the form in layouts/search.11ty.ts.
// The query, filters and sort live in the URL (/search/?q=…&topic=…&year=…&code=1&sort=newest), so a search can be
// linked and Back/Forward replay it. Result text is inserted with textContent; excerpts keep only Pagefind's <mark>.
// A classic script, as is Pagefind's build the page loads (scripts/search-disk.ts), so search also runs on a page
// opened from disk, where Pagefind's files are read from their classic-script twins instead of fetched.
// One function scope for the whole file: a classic script's top-level names would be globals.
(() => {
"use strict";

const PAGE_SIZE = 10;
/** Index files of at least this many bytes are inflated by the browser (see inflateNatively). */
const NATIVE_INFLATE_FROM = 4096;
const SORTS = { newest: { date: "desc" }, upvotes: { upvotes: "desc" } };
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

const form = document.getElementById("search-form");
const input = document.getElementById("search-q");
const topicSelect = document.getElementById("search-topic");
const yearSelect = document.getElementById("search-year");
const codeBox = document.getElementById("search-code");
const sortSelect = document.getElementById("search-sort");
const statusEl = document.getElementById("search-status");
const list = document.getElementById("search-results");
const moreButton = document.getElementById("search-more");
const needsServer = document.getElementById("search-needs-server");

/** The site's folder (`https://host/catalogue/`, `file:///…/site/`), from this script's own URL (<site>assets/search.js). */
const site = new URL("../", document.currentScript.src).href;
/** Its path ("/", "/catalogue/", or the folder's path on disk): Pagefind's base for result URLs. */
const base = new URL(site).pathname;
/** On file:// browsers refuse fetch(): Pagefind's files come from their twins (see servePagefindFiles). */
const fromDisk = location.protocol === "file:";
const HAS_CODE = form?.dataset.hasCode || "has code or project page";
/** Written into the page once Pagefind has run (scripts/search-page.ts); absent on a page that was not finished. */
const hints = readHints();
/** Bundles beyond /pagefind/ (large catalogues are indexed in shards: scripts/search-index.ts), e.g. ["/pagefind-1/"]. */
const extraBundles = (form?.dataset.bundles ?? "").split(" ").filter(Boolean);

let pagefindPromise = null;
let extraPromise = null;
let runCounter = 0;
let lastKey = null;
let current = null; // { results, shown, run }
let typingEntry = false;
let typingTimer = 0;

function readHints() {
  const data = form?.dataset;
  if (!data?.indexTag) return null;
  const words = (s) => (s ? s.split(" ") : []);
  const chunkWords = words(data.indexChunks);
  // Files the first search needs whatever the query (entry, metadata, WebAssembly), site-relative.
  const first = [`pagefind/pagefind-entry.json?ts=${data.indexTag}`, `pagefind/${data.indexMeta}`, `pagefind/${data.indexWasm}`];
  const filterWords = words(data.indexFilters);
  const chunks = [];
  for (let i = 0; i + 2 < chunkWords.length; i += 3) chunks.push(chunkWords.slice(i, i + 3));
  const filters = {};
  for (let i = 0; i + 1 < filterWords.length; i += 2) filters[filterWords[i]] = filterWords[i + 1];
  return { tag: data.indexTag, chunks, filters, first };
}

function showNeedsServer(detail) {
  needsServer?.classList.add("is-shown");
  form?.classList.add("is-disabled");
  statusEl.textContent = detail ? `Search is unavailable: ${detail}` : "Search is unavailable on this copy opened as a file: run npm run serve and open the page from localhost.";
}

/** Runs a classic script (the only kind a page opened from disk may load); resolves when it has run. */
function loadScript(src) {
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = src;
    script.addEventListener("load", () => {
      script.remove();
      resolve();
    });
    script.addEventListener("error", () => {
      script.remove();
      reject(new Error(`could not load ${src}`));
    });
    document.head.append(script);
  });
}

/**
 * The Pagefind module of the bundle in folder `dir` (a URL): its classic build registers it under the URL of its
 * pagefind.js (scripts/search-disk.ts). The page itself loads the primary bundle's, early and async.
 */
function bundleModule(dir) {
  const key = `${dir}pagefind.js`;
  const ready = () => self.pagefindBundles?.[key];
  if (ready()) return Promise.resolve(ready());
  const src = `${dir}pagefind-classic.js`;
  const loading = [...document.scripts].find((s) => s.src === src);
  const loaded = loading
    ? new Promise((resolve, reject) => {
        loading.addEventListener("load", resolve);
        loading.addEventListener("error", () => reject(new Error(`could not load ${src}`)));
      })
    : loadScript(src);
  return loaded.then(() => ready() ?? Promise.reject(new Error(`${src} registered no Pagefind module`)));
}

const twins = new Map();
/** A Pagefind file's bytes from its twin (`<file>.js`, scripts/search-disk.ts), by site-relative path; loaded once. */
function twinBytes(rel) {
  if (!twins.has(rel)) {
    twins.set(
      rel,
      loadScript(`${site}${rel}.js`).then(() => {
        const text = self.pagefindFiles?.get(rel);
        self.pagefindFiles?.delete(rel);
        if (text === undefined) throw new Error(`${rel}.js registered no file`);
        const binary = atob(text);
        const bytes = new Uint8Array(binary.length);
        for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
        return bytes.buffer;
      }),
    );
    twins.get(rel).catch(() => twins.delete(rel));
  }
  return twins.get(rel);
}

/** Starts loading a Pagefind file (site-relative) the first search will ask for: a preload, or on disk its twin. */
function prefetch(rel) {
  if (fromDisk) {
    twinBytes(rel.replace(/\?.*$/, "")).catch(() => {});
    return;
  }
  const link = document.createElement("link");
  link.rel = "preload";
  link.as = "fetch";
  link.crossOrigin = "anonymous";
  link.href = `${site}${rel}`;
  document.head.append(link);
}

/**
 * Pagefind fetches its files with the page's fetch(), which this replaces for them. On disk every file comes from its
 * twin. And hosted or not, Pagefind's index files are gzip data that Pagefind inflates in JavaScript, tens of ms of main-thread work on a cold
 * page. Its client skips that for data that arrives inflated (starting with its "pagefind_dcd" signature, as when a
 * server sends the files with Content-Encoding: gzip), so Pagefind's fetches get bytes the browser inflated natively.
 * Small files (fragments, filters) are left to Pagefind: a stream's several hops through a busy main thread cost more
 * than inflating a few KB in JavaScript (measured: first fragment 10 ms sooner).
 */
function servePagefindFiles() {
  const inflate = typeof DecompressionStream === "function";
  if (!inflate && !fromDisk) return;
  const nativeFetch = window.fetch.bind(window);
  // Any bundle's files, as paths under the site: pagefind/, and pagefind-1/ … for a catalogue indexed in shards
  // (scripts/search-index.ts).
  const isIndexFile = (rel) => /^pagefind(-\d+)?\/.*\.(pagefind|pf_meta|pf_index|pf_filter|pf_fragment)$/.test(rel) || (fromDisk && /^pagefind(-\d+)?\/pagefind-entry\.json$/.test(rel));
  const wasmType = { headers: { "Content-Type": "application/wasm" } };
  // Every bundle's wasm is the primary's (checked by the build, scripts/search-page.ts): fetched once, for all of them.
  const sharedWasm = form?.dataset.sharedWasm === "1";
  const wasmBytes = new Map();
  const read = async (response) => ({ response, bytes: response.ok ? await response.arrayBuffer() : null });
  const load = (rel, input, init) =>
    fromDisk ? twinBytes(rel).then((bytes) => ({ response: new Response(null, /\.pagefind$/.test(rel) ? wasmType : {}), bytes })) : nativeFetch(input, init).then(read);
  const fetchBytes = async (rel, input, init) => {
    const wasm = sharedWasm && /^pagefind(?:-\d+)?\/(wasm\.[\w-]+\.pagefind)$/.exec(rel);
    if (!wasm) return load(rel, input, init);
    const shared = `pagefind/${wasm[1]}`;
    if (!wasmBytes.has(shared)) wasmBytes.set(shared, load(shared, `${site}${shared}`));
    return wasmBytes.get(shared);
  };
  window.fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input), location.href);
    const path = url.href.replace(/[?#].*$/, "");
    const rel = path.startsWith(site) ? path.slice(site.length) : null;
    if (rel === null || !isIndexFile(rel)) return nativeFetch(input, init);
    const { response, bytes } = await fetchBytes(rel, input, init);
    if (bytes === null) return response;
    const head = new Uint8Array(bytes, 0, 2);
    const responseInit = { status: response.status, statusText: response.statusText, headers: response.headers };
    if (!inflate || head[0] !== 0x1f || head[1] !== 0x8b || bytes.byteLength < NATIVE_INFLATE_FROM) return new Response(bytes, responseInit);
    return new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip")), responseInit);
  };
}

function loadPagefind() {
  pagefindPromise ??= (async () => {
    const pagefind = await bundleModule(`${site}pagefind/`);
    // No web worker: for an index this size searching on the main thread takes milliseconds, and it saves fetching and
    // starting pagefind-worker.js (and lets the files preloaded by the page be used, which a worker's fetches are not).
    // metaCacheTag: Pagefind fetches pagefind-entry.json?ts=<tag> instead of ?ts=<now>, the URL the page preloads.
    await pagefind.options({ baseUrl: base, excerptLength: 24, noWorker: true, ...(hints?.tag ? { metaCacheTag: hints.tag } : {}) });
    await pagefind.init();
    const loaded = indexLoaded(pagefind);
    // Pagefind's search() builds an Intl.Segmenter, and the first one in a page costs tens of ms (V8 loads ICU's locale
    // list); building one when the page is idle (as it waits for index files) takes that off the first search.
    if (Intl.Segmenter) (window.requestIdleCallback ?? setTimeout)(() => new Intl.Segmenter(document.documentElement.lang || undefined, { granularity: "grapheme" }));
    await loaded;
    return pagefind;
  })();
  return pagefindPromise;
}

/** Pagefind's query → index words, as its search() normalises them (lowercase, no punctuation, no diacritics). */
function indexWords(q) {
  // The ASCII characters of those punctuation classes; Unicode property classes take milliseconds to compile.
  const ascii = /^[\x20-\x7e]*$/.test(q);
  const text = ascii
    ? q.replace(/[!"#%&'()*,\-./:;?@[\\\]{}]/g, "").toLowerCase()
    : q.replace(/[\p{Pd}\p{Pe}\p{Pf}\p{Pi}\p{Po}\p{Ps}]/gu, "").toLocaleLowerCase().normalize("NFD").replace(/\p{M}/gu, "");
  return text.split(/\s+/).filter(Boolean);
}

/** The index chunks Pagefind's wasm asks for a word (request_indexes: the chunk whose range holds it, else by prefix). */
function chunksFor(word) {
  const strict = hints.chunks.filter(([from, to]) => word >= from && word <= to);
  if (strict.length) return strict;
  const cut = (s, n) => [...s].slice(0, n).join("");
  const n = [...word].length;
  return hints.chunks.filter(([from, to]) => cut(word, [...from].length) >= cut(from, n) && cut(word, [...to].length) <= cut(to, n));
}

/**
 * Starts downloading the index and filter chunks the page's first search needs, as preloads that Pagefind's own
 * fetches pick up: they arrive while Pagefind is still starting, instead of one round trip after it.
 */
function preloadChunks(state) {
  if (!hints) return;
  const files = new Set();
  for (const word of indexWords(state.q)) for (const [, , hash] of chunksFor(word)) files.add(`index/${hash}.pf_index`);
  for (const [name, on] of [["topic", state.topic], ["year", state.year], ["code", state.code]]) {
    if (on && hints.filters[name]) files.add(`filter/${hints.filters[name]}.pf_filter`);
  }
  for (const file of files) prefetch(`pagefind/${file}`);
}

/**
 * Resolves once Pagefind has read its index. Its search() waits for that in a loop that sleeps 50 ms at a time
 * (PagefindInstance.getPtr), which can add up to 50 ms to the first search; ten empty searches (which return at once
 * when the index is in) started 5 ms apart wait in ten such loops, and the first of them notices within about 5 ms.
 */
function indexLoaded(pagefind) {
  const poll = (i) => new Promise((resolve) => setTimeout(resolve, i * 5)).then(() => pagefind.search(""));
  return Promise.race(Array.from({ length: 10 }, (_, i) => poll(i)));
}

// ---- URL state ------------------------------------------------------------------------------------------------

function readUrl(search = location.search) {
  const p = new URLSearchParams(search);
  const sort = p.get("sort") ?? "";
  return {
    q: (p.get("q") ?? "").trim(),
    topic: p.get("topic") ?? "",
    year: p.get("year") ?? "",
    code: p.get("code") === "1",
    sort: Object.hasOwn(SORTS, sort) ? sort : "",
  };
}

function readForm() {
  return { q: input.value.trim(), topic: topicSelect.value, year: yearSelect.value, code: codeBox.checked, sort: sortSelect.value };
}

function selectOption(select, value) {
  const options = [...select.options];
  const match = options.find((o) => o.value === value) ?? options.find((o) => value && (o.dataset.filter ?? o.textContent) === value);
  select.value = match ? match.value : "";
}

function fillForm(state) {
  input.value = state.q;
  selectOption(topicSelect, state.topic);
  selectOption(yearSelect, state.year);
  codeBox.checked = state.code;
  selectOption(sortSelect, state.sort);
}

function urlFor(state) {
  const p = new URLSearchParams();
  if (state.q) p.set("q", state.q);
  if (state.topic) p.set("topic", state.topic);
  if (state.year) p.set("year", state.year);
  if (state.code) p.set("code", "1");
  if (state.sort) p.set("sort", state.sort);
  const qs = p.toString();
  return location.pathname + (qs ? `?${qs}` : "");
}

/** Writes the form's state into the URL (a new history entry, or replacing the current one) and runs the search. */
function commit(mode) {
  clearTimeout(typingTimer);
  const state = readForm();
  const url = urlFor(state);
  if (url !== location.pathname + location.search) {
    if (mode === "push") history.pushState(null, "", url);
    else history.replaceState(null, "", url);
  }
  return run(state);
}

// ---- Searching and rendering ------------------------------------------------------------------------------------

function filtersFor(state) {
  const filters = {};
  if (state.topic) {
    const option = [...topicSelect.options].find((o) => o.value === state.topic);
    filters.topic = option?.dataset.filter ?? state.topic;
  }
  if (state.year) filters.year = state.year;
  if (state.code) filters.code = HAS_CODE;
  return filters;
}

function describe(state, count) {
  const parts = [];
  if (state.topic) parts.push(topicSelect.selectedOptions[0]?.textContent ?? state.topic);
  if (state.year) parts.push(state.year);
  if (state.code) parts.push("with code");
  const what = state.q ? ` for “${state.q}”` : "";
  const within = parts.length ? ` in ${parts.join(", ")}` : "";
  const order = state.sort === "newest" ? ", newest first" : state.sort === "upvotes" ? ", most upvoted first" : "";
  return `${count === 0 ? "No" : count} ${count === 1 ? "paper" : "papers"}${what}${within}${order}.`;
}

async function run(state) {
  const key = JSON.stringify(state);
  if (key === lastKey) return;
  lastKey = key;
  const id = ++runCounter;
  document.title = document.title.replace(/^.*? · (?=Search · )/, "");
  if (state.q) document.title = `${state.q} · ${document.title}`;

  if (!state.q && !state.topic && !state.year && !state.code) {
    current = null;
    list.replaceChildren();
    moreButton.hidden = true;
    statusEl.textContent = "Type a query, or pick a topic, a year or “has code” to browse.";
    return;
  }
  statusEl.textContent = "Searching…";
  let response;
  try {
    const pagefind = await loadPagefind();
    const options = { filters: filtersFor(state), sort: SORTS[state.sort] };
    if (extraBundles.length) {
      // Only catalogues indexed in several bundles load the merging code.
      if (!self.searchBundles) await loadScript(`${site}assets/search-bundles.js`);
      const bundles = self.searchBundles;
      extraPromise ??= bundles.loadBundles(
        extraBundles.map((p) => `${site}${p.replace(/^\//, "")}`),
        bundleModule,
        { baseUrl: base, excerptLength: 24, noWorker: true },
      );
      response = await bundles.searchAll([pagefind, ...(await extraPromise)], state.q || null, options);
    } else response = await pagefind.search(state.q || null, options);
  } catch (error) {
    pagefindPromise = null;
    extraPromise = null;
    lastKey = null;
    if (fromDisk) showNeedsServer();
    else showNeedsServer(`the search index could not be loaded (${error?.message ?? error}).`);
    return;
  }
  if (id !== runCounter || !response) return;
  current = { results: response.results, shown: 0, run: id };
  list.replaceChildren();
  await showMore(false);
  if (id !== runCounter) return;
  statusEl.textContent = describe(state, response.results.length);
}

async function showMore(moveFocus) {
  const batch = current;
  if (!batch) return;
  const slice = batch.results.slice(batch.shown, batch.shown + PAGE_SIZE);
  moreButton.disabled = true;
  const items = [];
  // All fragments are requested at once. A search's first results are shown one by one, each as soon as it and those
  // ranked above it are in; a "More results" batch is added whole, with the button's new state.
  for (const pending of slice.map((r) => r.data())) {
    const page = await pending;
    if (batch !== current || batch.run !== runCounter) return;
    items.push(renderResult(page));
    if (batch.shown === 0) list.append(items.at(-1));
  }
  if (batch.shown > 0) list.append(...items);
  batch.shown += slice.length;
  moreButton.disabled = false;
  moreButton.hidden = batch.shown >= batch.results.length;
  moreButton.textContent = `More results (${batch.results.length - batch.shown} more)`;
  if (moveFocus && items[0]) items[0].querySelector("a")?.focus();
}

function formatDate(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso ?? "");
  return m ? `${MONTHS[Number(m[2]) - 1]} ${Number(m[3])}, ${m[1]}` : null;
}

function renderResult(page) {
  const li = document.createElement("li");
  const link = document.createElement("a");
  link.className = "paper-title";
  // On disk a folder opens as a listing: a result links to its page's index.html.
  link.href = fromDisk && page.url.endsWith("/") ? `${page.url}index.html` : page.url;
  link.textContent = page.meta?.title || page.url;
  // Titles and excerpts are dump text: isolated, so a right-to-left title cannot reorder the text after it.
  link.dir = "auto";
  li.append(link);

  const meta = document.createElement("span");
  meta.className = "meta";
  const date = formatDate(page.meta?.date);
  if (date) {
    const time = document.createElement("time");
    time.dateTime = page.meta.date;
    time.textContent = date;
    meta.append(time);
  } else {
    meta.append("undated");
  }
  const topics = page.filters?.topic ?? [];
  if (topics.length) meta.append(` · ${topics.join(", ")}`);
  if ((page.filters?.code ?? []).includes(HAS_CODE)) meta.append(" · code");
  li.append(meta);

  if (page.excerpt) {
    const excerpt = document.createElement("p");
    excerpt.className = "excerpt";
    excerpt.dir = "auto";
    appendExcerpt(excerpt, page.excerpt);
    li.append(excerpt);
  }
  return li;
}

const NAMED = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: "\u00a0" };

/** Decodes the character references Pagefind leaves in excerpt text; the result is only ever used as text. */
function decodeEntities(text) {
  return text.replace(/&(#[xX][0-9a-fA-F]{1,6}|#\d{1,7}|[a-zA-Z]+);/g, (whole, ref) => {
    if (ref[0] !== "#") return NAMED[ref.toLowerCase()] ?? whole;
    const code = ref[1] === "x" || ref[1] === "X" ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

/** Excerpt → DOM: everything is text except the literal `<mark>`…`</mark>` pairs, which become <mark> elements. */
function appendExcerpt(target, excerpt) {
  let marked = false;
  for (const part of String(excerpt).split(/(<mark>|<\/mark>)/)) {
    if (part === "<mark>") marked = true;
    else if (part === "</mark>") marked = false;
    else if (part) {
      const text = decodeEntities(part);
      if (marked) {
        const mark = document.createElement("mark");
        mark.textContent = text;
        target.append(mark);
      } else {
        target.append(document.createTextNode(text));
      }
    }
  }
}

// ---- Keyboard ---------------------------------------------------------------------------------------------------

function resultLinks() {
  return [...list.querySelectorAll("a.paper-title")];
}

function onKeydown(event) {
  if (event.altKey || event.ctrlKey || event.metaKey) return;
  if (event.target === input && event.key === "ArrowDown") {
    const first = resultLinks()[0];
    if (first) {
      event.preventDefault();
      first.focus();
    }
    return;
  }
  if (!list.contains(event.target)) return;
  const links = resultLinks();
  const i = links.indexOf(event.target);
  if (i < 0) return;
  if (event.key === "ArrowDown" && links[i + 1]) {
    event.preventDefault();
    links[i + 1].focus();
  } else if (event.key === "ArrowUp") {
    event.preventDefault();
    (links[i - 1] ?? input).focus();
  } else if (event.key === "Escape") {
    event.preventDefault();
    input.focus();
  }
}

// ---- Wiring -----------------------------------------------------------------------------------------------------

function start() {
  if (!form || !input || !list) return;
  // A copy built without the files search reads from disk (--no-disk-search).
  if (fromDisk && form.dataset.disk !== "1") {
    showNeedsServer();
    return;
  }
  servePagefindFiles();
  if (hints) for (const rel of hints.first) prefetch(rel);
  fillForm(readUrl());
  const initial = readForm();
  // The first search starts before the rest of the wiring, so its downloads and Pagefind's start overlap it.
  preloadChunks(initial);
  run(initial);
  // Canonicalise the URL (e.g. a header search `?q=x`, or a topic given by name) without adding an entry.
  history.replaceState(null, "", urlFor(initial));

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    commit(typingEntry ? "replace" : "push");
    typingEntry = false;
  });
  input.addEventListener("input", () => {
    clearTimeout(typingTimer);
    typingTimer = setTimeout(() => {
      commit(typingEntry ? "replace" : "push");
      typingEntry = true;
    }, 250);
  });
  input.addEventListener("focus", () => void loadPagefind().catch(() => {}), { once: true });
  for (const control of [topicSelect, yearSelect, codeBox, sortSelect]) {
    control.addEventListener("change", () => {
      typingEntry = false;
      commit("push");
    });
  }
  window.addEventListener("popstate", () => {
    clearTimeout(typingTimer);
    typingEntry = false;
    const state = readUrl();
    fillForm(state);
    run(readForm());
  });
  moreButton.addEventListener("click", () => showMore(true));
  document.addEventListener("keydown", onKeydown);
}

start();
// The excerpt sanitiser, for the test that feeds it hostile excerpts.
self.appendSearchExcerpt = appendExcerpt;
})();
