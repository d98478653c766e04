// Text-mode LaTeX → Unicode prose with emphasis markers: `{\em x}`, `\textbf{x}`, `H{\"o}lder`, `{\L}`,
// ``quotes'', `\ie`, `\&`. Math commands (`\lambda`, `\Omega`, `\left\{`) are left for the math pass.
import { TEXT_ACCENTS, TEXT_LETTERS, TEXT_MACROS } from "./tables.ts";

/** Private-use markers carried through the math pass and turned into Markdown at the end. */
export const EM_OPEN = "\uE001";
export const EM_CLOSE = "\uE002";
export const STRONG_OPEN = "\uE003";
export const STRONG_CLOSE = "\uE004";
/** `\uE005<n>\uE006` stands for opaque item n (a URL or a code span). */
export const ITEM_OPEN = "\uE005";
export const ITEM_CLOSE = "\uE006";
export const MARKERS = /[\uE001-\uE006]/;

export interface TextModeResult {
  text: string;
  count: number;
  codes: string[];
}

const EM_DECL = new Set(["em", "it", "sl", "itshape", "emph"]);
const BF_DECL = new Set(["bf", "bfseries"]);
const EM_CMD = new Set(["emph", "textit", "textsl"]);
const BF_CMD = new Set(["textbf"]);
const PLAIN_CMD = new Set(["textrm", "textsf", "textsc", "textnormal", "textup", "mbox"]);

/** Index of the `}` closing the `{` at `open`, or -1. */
export function matchBrace(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    const c = s[i];
    if (c === "\\") { i++; continue; }
    if (c === "{") depth++;
    else if (c === "}") { depth--; if (depth === 0) return i; }
  }
  return -1;
}

function accent(mark: string, base: string): string {
  if (base === "i" || base === "\\i") base = "i";
  return (base + mark).normalize("NFC");
}

/**
 * Convert text-mode commands. `codeIndexBase` numbers code spans after the URLs already stored.
 * Returns the text with EM/STRONG markers and ITEM placeholders for code spans.
 */
export function convertTextMode(input: string, codeIndexBase: number): TextModeResult {
  let count = 0;
  const codes: string[] = [];
  let s = input;

  // Code: `pip install x\` (the dumps' rendering of \verb / \lstinline: a backtick closed by `\``) and stripped
  // \texttt{…}. A plain `x` pair is Markdown syntax written by the author and stays as written.
  s = s.replace(/(?<![`\\])`([^`'"\s][^`'"]*?)\\`(?!`)/g, (_m, body: string) => {
    count++;
    codes.push(body.trim());
    return ITEM_OPEN + String(codeIndexBase + codes.length - 1) + ITEM_CLOSE;
  });
  s = s.replace(/\\?texttt\{([^{}]*)\}/g, (_m, body: string) => {
    count++;
    codes.push(body.trim());
    return ITEM_OPEN + String(codeIndexBase + codes.length - 1) + ITEM_CLOSE;
  });

  // Accents: \"o, \"{o}, {\"o}, \'{e}, \c{c}, \v{s}; special letters {\L}, \l, \ss.
  s = s.replace(/\{\\([LlOo]|ss|aa|AA|ae|AE|oe|OE)\}/g, (_m, name: string) => { count++; return TEXT_LETTERS[name]; });
  s = s.replace(/\{\\(['"`^~=.])\s*\{?([A-Za-z]|\\i)\}?\}/g, (_m, a: string, b: string) => { count++; return accent(TEXT_ACCENTS[a], b); });
  s = s.replace(/\\(['"`^~=.])\s*(?:\{([A-Za-z]|\\i)\}|([A-Za-z]))/g, (_m, a: string, b1?: string, b2?: string) => {
    count++;
    return accent(TEXT_ACCENTS[a], (b1 ?? b2) as string);
  });
  s = s.replace(/\\([uvHckr])\{([A-Za-z])\}/g, (_m, a: string, b: string) => { count++; return accent(TEXT_ACCENTS[a], b); });
  s = s.replace(/\\(L|l|O|o|ss|aa|AA|ae|AE|oe|OE)(?![A-Za-z])\s?/g, (_m, name: string) => { count++; return TEXT_LETTERS[name]; });

  // Macros \ie \eg \etal; escaped specials.
  s = s.replace(/\\(ie|eg|etal|cf|wrt|vs|etc|iid|aka)(?![A-Za-z])\.?/g, (_m, name: string) => { count++; return TEXT_MACROS[name]; });
  s = s.replace(/\\([%&#_$])/g, (_m, c: string) => { count++; return c; });

  // Emphasis: {\em x}, {\bf x}, \emph{x}, \textbf{x} (and the same with the backslash stripped when followed by `{`).
  for (let guard = 0; guard < 50; guard++) {
    const m = /\{\\([a-z]+)(?![a-zA-Z])\s*|\\?(emph|textit|textsl|textbf|textrm|textsf|textsc|textnormal|textup|mbox)\{/.exec(s);
    if (!m) break;
    const decl = m[1];
    const cmd = m[2];
    if (decl !== undefined && !EM_DECL.has(decl) && !BF_DECL.has(decl)) {
      // Not a text declaration (e.g. `{\lambda}`): hide it from this search and continue.
      s = s.slice(0, m.index) + "\uE100" + s.slice(m.index + 1);
      continue;
    }
    const open = decl !== undefined ? m.index : m.index + m[0].length - 1;
    const close = matchBrace(s, open);
    if (close < 0) {
      s = s.slice(0, m.index) + s.slice(m.index + m[0].length);
      count++;
      continue;
    }
    const body = s.slice(m.index + m[0].length, close).trim();
    const name = (decl ?? cmd) as string;
    const [o, c] = BF_DECL.has(name) || BF_CMD.has(name) ? [STRONG_OPEN, STRONG_CLOSE]
      : EM_DECL.has(name) || EM_CMD.has(name) ? [EM_OPEN, EM_CLOSE] : ["", ""];
    void PLAIN_CMD;
    count++;
    s = s.slice(0, m.index) + (body ? o + body + c : "") + s.slice(close + 1);
  }
  s = s.replace(/\uE100/g, "{");

  // Quotes, only as complete TeX pairs: ``x'' → “x”, ``x" → “x”, `x' → ‘x’, ''x'' → “x”; `92 → ’92.
  // A lone `` or '' and single backticks (Markdown code, template literals) stay as written.
  s = s.replace(/(?<!`)``(?!`)([^`"]*?[^`"\s])('')(?!')|(?<!`)``(?!`)([^`"]*?[^`"\s])"/g, (_m, b1?: string, _q?: string, b2?: string) => {
    count++;
    return "“" + (b1 ?? b2 ?? "") + "”";
  });
  s = s.replace(/(^|[\s(\[])''(?=[A-Za-z0-9])([^'`]*?[A-Za-z0-9.!?])''(?!')/g, (_m, pre: string, body: string) => { count++; return pre + "“" + body + "”"; });
  s = s.replace(/(^|[\s(\[])`([A-Za-z0-9][^`'\s]*(?: [^`'\s]+)*?)'(?![A-Za-z'])/g, (_m, pre: string, body: string) => { count++; return pre + "‘" + body + "’"; });
  s = s.replace(/(^|[\s(\[])`(?=\d\d(?![\d`]))/g, (_m, pre: string) => { count++; return pre + "’"; });

  // Ties: a single `~` between words (`Fig.~3`, `et~al`, `e.g.,~SVD`, `ones~--~by`) → space; `0.67~1.98` keeps its
  // tilde (it means "to"); runs of tildes (`~~strike~~`) and tildes next to other punctuation stay as written.
  s = s.replace(/(?<=(?:[\p{L}\p{N}][.,;:)]{0,2}|(?<!-)-{2,3}))~(?=[\p{L}\p{N}(]|-{2,3}(?!-))/gu, (m, off: number, all: string) =>
    (/\d/.test(all[off - 1] ?? "") && /\d/.test(all[off + 1] ?? "") ? m : " "));
  // Dashes: --- and -- stay (the brief allows it); a lone \- (hyphenation hint) goes.
  s = s.replace(/\\-/g, "");
  return { text: s, count, codes };
}
