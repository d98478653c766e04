// Strings kept for the rest of the ingest, stored compactly: V8 keeps a slice of a longer string (two bytes per character
// when that string holds any character above U+00FF) and the result of a global replace or of `+=` as a rope of pieces.
// A 1 KB abstract held as a rope takes about 14 KB, and serialising or hashing ropes and two-byte text is several times
// slower: at 100,000 papers that is gigabytes of heap and most of the garbage collector's time.

const WIDE = /[^\x00-\xff]/;

/** The same text as a flat string, one byte per character when it fits (the regular-expression test flattens a rope). */
export function compact(s: string): string {
  return WIDE.test(s) ? s : Buffer.from(s, "latin1").toString("latin1");
}
