// The cards file: what the index runs read of every paper, written by the ingest, and spliced from the last build's when it only added papers.
import type { Paper } from "./types.ts";
import type { GonePage } from "./stages/permalinks.ts";
import { pageData, paperUrl, type PaperPageData } from "./stages/write.ts";
import { card, feedAbstracts, type PaperCard } from "./eleventy/indexes.ts";

/**
 * The file's text: every paper's card on a line of its own, in the papers' order, then the abstracts of the papers some
 * feed lists (by URL), then the URLs no paper holds now (their "gone" pages are rendered with the index pages). The abstracts are apart from the cards because which papers the feeds list moves with every new
 * dated paper, while a card does not change once its paper's facts are settled: kept apart, the last build's card lines
 * can be copied as they are (spliceCardsText). A card's JSON holds no line break (JSON.stringify escapes them).
 */
export function* cardsText(papers: Paper[], gone: GonePage[] = []): Generator<string> {
  yield CARDS_OPEN;
  const dated: PaperPageData[] = [];
  for (let i = 0; i < papers.length; i++) {
    const page = cardPage(papers[i]);
    if (page.published !== null) dated.push(page);
    yield `${i ? ",\n" : ""}${JSON.stringify(card(page))}`;
  }
  yield closing(dated, gone);
}

/** The URLs no paper holds now, as the cards file lists them. */
export function readGone(text: string): GonePage[] {
  return (JSON.parse(text) as { gone?: GonePage[] }).gone ?? [];
}

/** The cards with their abstracts, as the index runs use them (a feed's entry shows its paper's abstract). */
export function readCards(text: string): PaperCard[] {
  const { cards, abstracts } = JSON.parse(text) as { cards: PaperCard[]; abstracts: Record<string, string> };
  for (const c of cards) if (Object.hasOwn(abstracts, c.url)) c.description = abstracts[c.url];
  return cards;
}

/**
 * The same text as cardsText, made from the last build's (`last`, the bytes it wrote) when that holds exactly the
 * `carried` papers' cards in the papers' order: their lines are copied, and only the other papers' cards are made (at
 * 100,000 papers, making and serialising every card took the ingest about 3 s before the index runs could start). The
 * feeds' papers are picked among the last build's and the new ones: a feed lists the newest of its papers, and the
 * newest of the carried ones were in the last build's feeds. The caller vouches that the carried papers' cards are
 * unchanged (the same facts, from the last build's snapshot, with the same overrides) and that no paper was removed.
 * Null when `last` is not such a text.
 */
export function spliceCardsText(papers: Paper[], last: Buffer, carried: Set<string>, gone: GonePage[] = []): (string | Buffer)[] | null {
  // One byte per character, so that positions in the text are positions in the bytes (URLs are ASCII).
  const text = last.toString("latin1");
  const end = text.indexOf(CARDS_CLOSE);
  if (!text.startsWith(CARDS_OPEN) || end < 0) return null;
  let lastFeeds: Set<string>; // slugs
  try {
    const urls = Object.keys((JSON.parse(`{"abstracts":${last.toString("utf8", end + CARDS_CLOSE.length)}`) as { abstracts: object }).abstracts);
    lastFeeds = new Set(urls.map((url) => url.slice(URL_HEAD.length, url.length - URL_TAIL.length)));
  } catch {
    return null;
  }
  const out: (string | Buffer)[] = [CARDS_OPEN];
  const inFeeds: PaperPageData[] = [];
  // The old cards are read a line at a time as the carried papers come: `at` is where the next one starts. Nothing is
  // made per old card: each is checked where it lies in the text, and copied with its run.
  let at = CARDS_OPEN.length;
  let run = -1; // where the run of old cards being copied starts …
  let runEnd = -1; // … and ends
  const separator = () => {
    if (out.length > 1) out.push(",\n");
  };
  const flush = () => {
    if (run < 0) return;
    separator();
    out.push(last.subarray(run, runEnd));
    run = -1;
  };
  for (const p of papers) {
    if (carried.has(p.id)) {
      const slugAt = at + CARD_OPEN.length + URL_HEAD.length;
      const ok = at < end && text.startsWith(CARD_OPEN, at) && text.startsWith(URL_HEAD, at + CARD_OPEN.length) && text.startsWith(p.slug, slugAt) && text.startsWith(URL_END, slugAt + p.slug.length);
      if (!ok) return null;
      const lineEnd = text.indexOf("\n", at);
      const isLast = lineEnd === end;
      if (!isLast && text.charCodeAt(lineEnd - 1) !== 0x2c) return null;
      if (run < 0) run = at;
      runEnd = isLast ? lineEnd : lineEnd - 1; // the last card has no comma
      if (lastFeeds.has(p.slug)) inFeeds.push(cardPage(p));
      at = lineEnd + 1;
    } else {
      flush();
      const page = cardPage(p);
      separator();
      out.push(JSON.stringify(card(page)));
      if (page.published !== null) inFeeds.push(page);
    }
  }
  flush();
  // Every old card copied, and at least one.
  if (at !== end + 1) return null;
  out.push(closing(inFeeds, gone));
  return out;
}

const CARDS_OPEN = '{"cards":[\n';
const CARDS_CLOSE = '\n],"abstracts":';
/** How each card's JSON begins (card() puts the URL first); URLs are /papers/ and a slug of [a-z0-9-], never escaped. */
const CARD_OPEN = '{"url":"';
/** What comes before and after the slug in a paper's URL. */
const [URL_HEAD, URL_TAIL] = paperUrl("\u0000").split("\u0000");
const URL_END = `${URL_TAIL}"`;

/** A card has no related papers: an empty lookup skips resolving 500,000 of them at 100,000 papers. */
const noRelated = new Map<string, Paper>();

/** What a card is made of: the paper's page data, without resolving its related papers. */
const cardPage = (p: Paper) => pageData(p, noRelated);

/** The end of the text: the abstracts of the papers the feeds list, picked among `pages` (which hold every candidate), and the URLs gone. */
const closing = (pages: PaperPageData[], gone: GonePage[]) => `${CARDS_CLOSE}${JSON.stringify(feedAbstracts(pages))},"gone":${JSON.stringify(gone)}}\n`;
