// Bidi controls in dump text kept to the text itself: what a title opens it closes, so text after it is never reordered.

const OPENERS = /[\u202a\u202b\u202d\u202e\u2066-\u2068]/;
const CONTROLS = /[\u202a-\u202e\u2066-\u2069]/g;
const PDF = "\u202c";
const PDI = "\u2069";

/**
 * `s` with its explicit bidi formatting balanced, as the Unicode Bidirectional Algorithm pairs it (UAX #9, X1–X8): every
 * embedding or override (LRE, RLE, LRO, RLO) and isolate (LRI, RLI, FSI) it leaves open is closed at its end (PDF, PDI),
 * and a closer with nothing of its own to close is dropped (a stray PDI would close an isolate around the text). A right-
 * to-left override in a title then reverses only the rest of the title, never the ` · Paper Catalogue` after it in
 * `<title>`, a feed reader's line or a terminal. Marks (LRM, RLM, ALM) are kept: they direct no text but their own.
 * Text without such controls comes back unchanged (the same string).
 */
export function closeBidi(s: string): string {
  if (!OPENERS.test(s) && !/[\u202c\u2069]/.test(s)) return s;
  const open: ("e" | "i")[] = [];
  const out = s.replace(CONTROLS, (c) => {
    if (c === PDF) {
      if (open.length && open[open.length - 1] === "e") {
        open.pop();
        return c;
      }
      return "";
    }
    if (c === PDI) {
      const at = open.lastIndexOf("i");
      if (at === -1) return "";
      open.length = at;
      return c;
    }
    open.push(c >= "\u2066" ? "i" : "e");
    return c;
  });
  let closers = "";
  for (let i = open.length - 1; i >= 0; i--) closers += open[i] === "e" ? PDF : PDI;
  return out + closers;
}
