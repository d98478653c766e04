// Repairs the invalid MathML KaTeX writes for function names in scripts (`w_{\min}`) and for `\overset`-like commands.
import { DomUtils, parseDocument } from "htmlparser2";

/** htmlparser2's element type (from its domhandler, not imported directly). */
type Element = Parameters<typeof DomUtils.getName>[0];

/** U+2061 FUNCTION APPLICATION: KaTeX writes `<mo>⁡</mo>` after a function name (`\min`, `\log`, `\operatorname`). */
const APPLY_FUNCTION = "\u2061";

/** MathML elements whose children are a fixed number of arguments (MathML Core, §3). */
const FIXED_ARITY = new Set(["msub", "msup", "msubsup", "munder", "mover", "munderover", "mfrac", "mroot"]);

/** MathML token elements: they hold text, and of elements only these (which KaTeX does not write). */
const TOKENS = new Set(["mi", "mn", "mo", "ms", "mtext"]);
const TOKEN_CHILDREN = new Set(["mglyph", "malignmark"]);

/** Replace `remove` characters at `at` with `text`. Closing tags go before opening ones at the same offset. */
interface Edit {
  at: number;
  remove: number;
  text: string;
}

function isApplyFunction(node: Element): boolean {
  return node.name === "mo" && node.children.length === 1 && DomUtils.isText(node.children[0]) && node.children[0].data === APPLY_FUNCTION;
}

function collect(html: string, node: Element, inMath: boolean, edits: Edit[]): void {
  const kids = node.children.filter(DomUtils.isTag);
  if (inMath && FIXED_ARITY.has(node.name)) {
    // A function name and its U+2061 as two arguments: one `<mrow>`, as KaTeX groups them in a base.
    for (let i = 0; i + 1 < kids.length; i++) {
      if (isApplyFunction(kids[i]) || !isApplyFunction(kids[i + 1])) continue;
      edits.push({ at: kids[i].startIndex!, remove: 0, text: "<mrow>" }, { at: kids[i + 1].endIndex! + 1, remove: 0, text: "</mrow>" });
      i++;
    }
  }
  if (inMath && TOKENS.has(node.name) && kids.some((k) => !TOKEN_CHILDREN.has(k.name))) {
    // A token holding elements becomes the `<mrow>` it stands for (its attributes are kept).
    const close = node.endIndex! + 1 - node.name.length - 1;
    if (html.slice(close - 2, close + node.name.length + 1) === `</${node.name}>`) {
      edits.push({ at: node.startIndex! + 1, remove: node.name.length, text: "mrow" }, { at: close, remove: node.name.length, text: "mrow" });
    }
  }
  for (const k of kids) collect(html, k, inMath || k.name === "math", edits);
}

/**
 * Two shapes of invalid MathML that KaTeX (0.16.47 to 0.19.1) writes, each misread by screen readers:
 * - a function name is two siblings, `<mi>min</mi><mo>⁡</mo>`, grouped in an `<mrow>` only as a base (`\min_x`); as
 *   a lone script or fraction part (`w_{\min}`, `\frac{\log}{2}`) the pair is spliced in as two arguments, so
 *   `<msub>` gets three (KaTeX issue #3721). Each such pair is wrapped in an `<mrow>`.
 * - `\overset`, `\underset`, `\stackrel` and `\mathrel{\vcenter{…}}` put elements (`<mover>`, `<munder>`, an
 *   `<mrow>`) inside an `<mi>` or `<mo>`, which hold text only (KaTeX issue #3978). Such a token is renamed `<mrow>`.
 * Tags are inserted or renamed at offsets found by a real HTML parser; every other byte of `html` is kept, and
 * valid markup comes back unchanged.
 */
export function repairMathml(html: string): string {
  // Parse only the MathML, and only when it can hold either shape: a U+2061 (as a character or a reference), or a
  // tag inside a token.
  const start = html.indexOf("<math");
  const end = html.lastIndexOf("</math>") + "</math>".length;
  if (start < 0 || end < start) return html;
  const mathml = html.slice(start, end);
  if (!/\u2061|&(?:#x0*2061|#0*8289|ApplyFunction|af);/i.test(mathml) && !/<(?:mi|mn|mo|ms|mtext)\b[^>]*>[^<]*<[a-z]/.test(mathml)) return html;
  const doc = parseDocument(mathml, { withStartIndices: true, withEndIndices: true, recognizeSelfClosing: true });
  const edits: Edit[] = [];
  for (const k of doc.children.filter(DomUtils.isTag)) collect(mathml, k, k.name === "math", edits);
  if (edits.length === 0) return html;
  edits.sort((a, b) => a.at - b.at || Number(b.text.startsWith("</")) - Number(a.text.startsWith("</")));
  let out = html.slice(0, start);
  let from = 0;
  for (const e of edits) {
    out += mathml.slice(from, e.at) + e.text;
    from = e.at + e.remove;
  }
  return out + mathml.slice(from) + html.slice(end);
}
