// Evaluation of topic assignments against a hand-labelled set (test/eval/topics.json): per-topic and
// micro-averaged precision / recall over (paper, topic) pairs. Pure: the caller loads the files.
import type { Paper } from "../../types.ts";

export interface EvalItem {
  title: string;
  topics: string[];
}

export interface Counts {
  tp: number;
  fp: number;
  fn: number;
}

export interface EvalReport {
  /** Eval items whose title matched a paper. */
  matched: number;
  /** Eval titles not found among the papers. */
  missing: string[];
  perTopic: Map<string, Counts & { precision: number; recall: number }>;
  overall: Counts & { precision: number; recall: number; f1: number };
  /** Items where prediction and label differ, for tuning. */
  errors: { title: string; expected: string[]; predicted: string[] }[];
}

export function normaliseTitle(t: string): string {
  return t.normalize("NFKC").toLowerCase().replace(/[^\p{L}\p{N}]+/gu, " ").trim();
}

function ratio(a: number, b: number): number {
  return b === 0 ? 1 : a / b;
}

export function evaluateTopics(classified: Paper[], items: EvalItem[]): EvalReport {
  const byTitle = new Map(classified.map((p) => [normaliseTitle(p.title.plain), p]));
  const counts = new Map<string, Counts>();
  const get = (id: string) => {
    let c = counts.get(id);
    if (!c) counts.set(id, (c = { tp: 0, fp: 0, fn: 0 }));
    return c;
  };
  const missing: string[] = [];
  const errors: EvalReport["errors"] = [];
  let matched = 0;
  for (const item of items) {
    const paper = byTitle.get(normaliseTitle(item.title));
    if (!paper) {
      missing.push(item.title);
      continue;
    }
    matched++;
    const expected = new Set(item.topics);
    const predicted = new Set(paper.topics);
    for (const t of predicted) get(t)[expected.has(t) ? "tp" : "fp"]++;
    for (const t of expected) if (!predicted.has(t)) get(t).fn++;
    const same = expected.size === predicted.size && [...expected].every((t) => predicted.has(t));
    if (!same) errors.push({ title: item.title, expected: item.topics, predicted: paper.topics });
  }
  const perTopic: EvalReport["perTopic"] = new Map();
  const total: Counts = { tp: 0, fp: 0, fn: 0 };
  for (const id of [...counts.keys()].sort()) {
    const c = counts.get(id)!;
    total.tp += c.tp;
    total.fp += c.fp;
    total.fn += c.fn;
    perTopic.set(id, { ...c, precision: ratio(c.tp, c.tp + c.fp), recall: ratio(c.tp, c.tp + c.fn) });
  }
  const precision = ratio(total.tp, total.tp + total.fp);
  const recall = ratio(total.tp, total.tp + total.fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { matched, missing, perTopic, overall: { ...total, precision, recall, f1 }, errors };
}
