// KaTeX settings shared by the text stage (which checks each span parses) and the markdown renderer.
import type { KatexOptions } from "katex";

/** Safe settings for untrusted TeX: no \href/\url/\htmlClass, bounded macro expansion and sizes, MathML for screen readers. */
export const katexOptions: KatexOptions = {
  throwOnError: false,
  trust: false,
  strict: "ignore",
  maxSize: 20,
  maxExpand: 200,
  output: "htmlAndMathml",
};
