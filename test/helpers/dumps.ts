// Test helper: dumps written from titles and abstracts, in the compact layout of the bundled 003_*.txt.
export interface Item {
  title: string;
  abstract: string;
}

/** A compact-layout dump (the layout of 003_*.txt). */
export function compact(items: Item[]): string {
  return "Get trending papers in your email inbox!\n" + items.map((e, i) => `${i === 0 ? "Subscribe" : ""}${e.title}\n${e.abstract}`).join("\n") + "\n";
}
