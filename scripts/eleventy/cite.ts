// Citations: a BibTeX entry and a plain-text reference per paper, the same on the paper page and in /catalogue.bib.
// Pure functions of the paper's data and the build settings (so every render worker writes the same entry).

/** What a citation needs of a paper (a subset of both PaperPageData and PaperCard). */
export interface Citable {
  /** Site path `/papers/<slug>/`; the slug is the BibTeX key (unique and permanent, see content/permalinks.json). */
  url: string;
  /** Plain title. */
  title: string;
  /** Title Markdown: Markdown-escaped prose and `$…$` math. */
  titleMarkdown: string;
  published: string | null;
  authorNames?: string[];
  arxiv?: string;
}

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

/** The BibTeX key: the paper's slug, e.g. `attention-is-all-you-need`. */
export function bibKey(c: Pick<Citable, "url">): string {
  return c.url.replace(/^\/papers\//, "").replace(/\/$/, "").replace(/[^A-Za-z0-9_\-:.]/g, "-") || "paper";
}

const BIB_ESCAPES: Record<string, string> = {
  "\\": "\\textbackslash{}",
  // BibTeX counts every brace, escaped or not: `\{` would unbalance the field.
  "{": "\\textbraceleft{}",
  "}": "\\textbraceright{}",
  "%": "\\%",
  "&": "\\&",
  "#": "\\#",
  _: "\\_",
  $: "\\$",
  "^": "\\^{}",
  "~": "\\~{}",
};

/** Prose for a BibTeX field: every character BibTeX or LaTeX treats specially is escaped; control characters go. */
export function escapeBibtex(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f]+/g, " ").replace(/[\\{}%&#_$^~]/g, (c) => BIB_ESCAPES[c]);
}

/** Whether math source can stay LaTeX inside a BibTeX field: balanced braces (BibTeX counts `\{` too), no `%`, no trailing backslash. */
function keepableMath(tex: string): boolean {
  let depth = 0;
  for (const ch of tex) {
    if (ch === "{") depth++;
    else if (ch === "}" && --depth < 0) return false;
  }
  return depth === 0 && !/[%\u0000-\u001f]/.test(tex) && !/\\$/.test(tex);
}

/** Splits title Markdown into prose (Markdown escapes removed) and `$…$` math source. */
export function titleParts(markdown: string): { math: boolean; text: string }[] {
  // Most titles have neither escapes nor math: one prose part, without the walk below (catalogue.bib has every title).
  if (!/[\\$]/.test(markdown)) return markdown ? [{ math: false, text: markdown }] : [];
  const parts: { math: boolean; text: string }[] = [];
  let prose = "";
  for (let i = 0; i < markdown.length; i++) {
    const ch = markdown[i];
    if (ch === "\\" && i + 1 < markdown.length && /[!-\/:-@\[-`{-~]/.test(markdown[i + 1])) {
      prose += markdown[++i];
    } else if (ch === "$") {
      let j = i + 1;
      while (j < markdown.length && markdown[j] !== "$") j += markdown[j] === "\\" ? 2 : 1;
      if (j >= markdown.length || j === i + 1) {
        prose += ch;
        continue;
      }
      if (prose) parts.push({ math: false, text: prose });
      prose = "";
      parts.push({ math: true, text: markdown.slice(i + 1, j) });
      i = j;
    } else prose += ch;
  }
  if (prose) parts.push({ math: false, text: prose });
  return parts;
}

/** The title for BibTeX: prose escaped, math kept as `$…$` LaTeX where that is safe (readable in the .bib file and typeset by LaTeX). */
export function bibtexTitle(c: Pick<Citable, "title" | "titleMarkdown">): string {
  const parts = titleParts(c.titleMarkdown);
  if (!parts.length) return escapeBibtex(c.title);
  return parts.map((p) => (p.math && keepableMath(p.text) ? `$${p.text}$` : escapeBibtex(p.math ? `$${p.text}$` : p.text))).join("");
}

/** A URL for BibTeX's `url` field: braces, backslashes and spaces percent-encoded; `%`, `#` and `&` backslash-escaped. */
function bibUrl(url: string): string {
  return url.replace(/[{}\\\s]/g, (c) => encodeURIComponent(c)).replace(/[%#&]/g, (c) => `\\${c}`);
}

/** One author for BibTeX's `and`-separated list: names BibTeX would split or reorder are braced. */
function bibAuthor(name: string): string {
  const n = escapeBibtex(name.trim());
  return /,|\band\b/i.test(n) ? `{${n}}` : n;
}

/**
 * A `@misc` entry (the usual type for preprints): key, title (double-braced to keep its capitals), authors, year,
 * month, arXiv eprint, URL (the page's absolute URL with --url, else the arXiv abstract page) and the site as note.
 */
export function bibtex(c: Citable, pageUrl: string | null, siteName: string): string {
  const fields: [string, string][] = [["title", `{${bibtexTitle(c)}}`]];
  const authors = (c.authorNames ?? []).filter((a) => a.trim());
  if (authors.length) fields.push(["author", authors.map(bibAuthor).join(" and ")]);
  if (c.published) {
    fields.push(["year", c.published.slice(0, 4)]);
    fields.push(["month", MONTHS[Number(c.published.slice(5, 7)) - 1] ?? ""]);
  }
  if (c.arxiv) {
    fields.push(["eprint", escapeBibtex(c.arxiv)]);
    fields.push(["archivePrefix", "arXiv"]);
  }
  const url = pageUrl ?? (c.arxiv ? `https://arxiv.org/abs/${c.arxiv}` : null);
  if (url) fields.push(["url", bibUrl(url)]);
  fields.push(["note", `Listed in ${escapeBibtex(siteName)}`]);
  const body = fields.filter(([, v]) => v !== "").map(([k, v]) => (k === "month" ? `  ${k} = ${v}` : `  ${k} = {${v}}`));
  return `@misc{${bibKey(c)},\n${body.join(",\n")}\n}\n`;
}

/** Authors for a reference: all of up to three, else the first and "et al.". */
function authorList(names: string[]): string {
  if (names.length <= 2) return names.join(" and ");
  if (names.length === 3) return `${names[0]}, ${names[1]} and ${names[2]}`;
  return `${names[0]} et al.`;
}

/** A plain-text reference: `Authors (Year). Title. arXiv:id. URL` (`Title. (Year).` without authors; parts without data left out). */
export function plainCitation(c: Citable, pageUrl: string | null): string {
  const authors = (c.authorNames ?? []).map((a) => a.trim()).filter(Boolean);
  const year = c.published ? c.published.slice(0, 4) : "n.d.";
  const title = c.title.replace(/[.\s]+$/, "");
  // Without authors the title leads, as reference styles do.
  const parts = authors.length ? [`${authorList(authors)} (${year}).`, `${title}.`] : [`${title}.`, `(${year}).`];
  if (c.arxiv) parts.push(`arXiv:${c.arxiv}.`);
  const url = pageUrl ?? (c.arxiv ? `https://arxiv.org/abs/${c.arxiv}` : null);
  if (url) parts.push(url);
  return parts.join(" ").replace(/[\u0000-\u001f\u007f]+/g, " ");
}
