// Text safe to print on a terminal: control and bidi characters from file names and dump text become visible escapes.

/**
 * C0 controls (newline and tab included: one printed line must stay one line), DEL, C1 controls, line and paragraph
 * separators, and the bidi controls (marks, embeddings, overrides, isolates). Any of these in a file name or a title
 * could move the cursor, clear the screen, start a new line that looks like the report's own, or reverse what follows.
 */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** `s` with every unprintable character written as `\xNN` (below U+0100) or `\uNNNN`, so it shows instead of acting. */
export function printable(s: string): string {
  return s.replace(UNPRINTABLE, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}
