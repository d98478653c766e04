// Types for the part of @11ty/eleventy-plugin-rss we use (the package ships none).
declare module "@11ty/eleventy-plugin-rss" {
  /** RFC 3339 date-time without milliseconds, in UTC (`2024-01-31T00:00:00Z`). */
  export function dateToRfc3339(date: Date): string;
}
