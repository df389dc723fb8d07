// Confusion tables for trace question families whose answers form a closed
// set: atoms (:handled, :lost_in_mailbox, :none...), booleans and exit classes
// ({:exit, :noproc}). A family qualifies when every gold answer in it is such
// a label; then each example counts once, gold row against predicted column.
import type { ConfusionTable } from "@otpforge/core";
import { normalizeTerm, parseTerm, printTerm, readPredictedTerm, TermParseError, type Term } from "../trace-answer/index.js";
import type { EvalRecord } from "./index.js";

/** Predictions outside the family's closed set are pooled, so a table stays small. */
export const OTHER = "(other)";
export const UNREADABLE = "(unreadable)";
export const NO_ANSWER = "(no answer)";

type TraceRecord = EvalRecord & { family?: unknown; expected?: unknown; predicted?: unknown; answer_kind?: unknown };

/** The label of a closed answer (normalised, so exit reasons count by class), or undefined for an open one. */
export function closedLabel(t: Term): string | undefined {
  const n = normalizeTerm(t);
  if (n.type === "atom") return printTerm(n);
  if (
    n.type === "tuple" &&
    n.items.length === 2 &&
    n.items[0]?.type === "atom" &&
    n.items[0].value === "exit" &&
    n.items[1]?.type === "atom"
  )
    return printTerm(n);
  return undefined;
}

function goldLabel(r: TraceRecord): string | undefined {
  if (typeof r.expected !== "string" || (r.answer_kind !== undefined && r.answer_kind !== "term")) return undefined;
  try {
    return closedLabel(parseTerm(r.expected));
  } catch (err) {
    if (err instanceof TermParseError) return undefined;
    throw err;
  }
}

function predictedLabel(r: TraceRecord): string {
  if (typeof r.predicted !== "string") return NO_ANSWER;
  const read = readPredictedTerm(r.predicted);
  if ("error" in read) return UNREADABLE;
  return closedLabel(read.term) ?? OTHER;
}

/** One table per closed-answer family of reasoning records, families in name order. */
export function closedAnswerConfusions(records: readonly EvalRecord[]): ConfusionTable[] {
  const byFamily = new Map<string, TraceRecord[]>();
  for (const r of records as TraceRecord[]) {
    if (typeof r.family !== "string" || typeof r.expected !== "string") continue;
    const list = byFamily.get(r.family) ?? [];
    list.push(r);
    byFamily.set(r.family, list);
  }
  const tables: ConfusionTable[] = [];
  for (const [name, list] of [...byFamily].sort(([a], [b]) => a.localeCompare(b))) {
    const golds = list.map(goldLabel);
    if (golds.some((g) => g === undefined)) continue;
    const preds = list.map(predictedLabel);
    const gold = [...new Set(golds as string[])].sort();
    const pooled = [OTHER, UNREADABLE, NO_ANSWER];
    const extra = [...new Set(preds.filter((p) => !gold.includes(p) && !pooled.includes(p)))].sort();
    const predicted = [...gold, ...extra, ...pooled.filter((p) => preds.includes(p))];
    const counts = gold.map(() => predicted.map(() => 0));
    list.forEach((_, i) => counts[gold.indexOf(golds[i]!)]![predicted.indexOf(preds[i]!)]!++);
    tables.push({ name, gold, predicted, counts });
  }
  return tables;
}
