// The dates the catalogue accepts, wherever one enters (dumps' meta blocks, curators' overrides): one fixed range.

/**
 * Years 1900–2100: every paper of a Hugging Face daily listing is an arXiv paper (from 1991), and curators may date
 * older work, but a year outside this range is a typo or damage (`0050`, `9999`). Fixed rather than "up to next year"
 * so that the same input always builds the same catalogue, whenever it is built.
 */
export const FIRST_YEAR = 1900;
export const LAST_YEAR = 2100;

/** Why year/month/day is not an accepted date (a day that does not exist, a year out of range), or null when it is. */
export function dateProblem(year: number, month: number, day: number): string | null {
  if (!Number.isInteger(year) || year < FIRST_YEAR || year > LAST_YEAR) return `year ${String(year).padStart(4, "0")} is outside ${FIRST_YEAR}–${LAST_YEAR}`;
  if (!Number.isInteger(month) || month < 1 || month > 12) return `month ${month} does not exist`;
  const dt = new Date(Date.UTC(year, month - 1, day));
  if (!Number.isInteger(day) || dt.getUTCMonth() !== month - 1 || dt.getUTCDate() !== day) return `day ${day} does not exist in that month`;
  return null;
}

/** The same check for `YYYY-MM-DD` text; null when it is an accepted date. */
export function isoDateProblem(iso: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return "must be YYYY-MM-DD";
  return dateProblem(Number(m[1]), Number(m[2]), Number(m[3]));
}
