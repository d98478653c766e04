// Minimal typings for the `stopword` package (it ships none): only what the related stage uses.
declare module "stopword" {
  /** English stop words (lowercase). */
  export const eng: string[];
  export function removeStopwords(tokens: string[], stopwords?: string[]): string[];
}
