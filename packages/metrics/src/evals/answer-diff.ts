// The diff a failure row shows: for a list answer, gold against predicted by
// element (sorted first when order does not count); for a fix, the reference
// fix against the candidate by line. Other answers get none: a one-term
// answer is its own diff.
import { diffLines, diffSequences, type ReportDiff } from "@otpforge/core";
import { normalizeTerm, parseTerm, printTerm, readPredictedTerm, TermParseError, type Term } from "../trace-answer/index.js";
import type { EvalRecord } from "./index.js";

type AnyRecord = EvalRecord & Record<string, unknown>;

const UNORDERED = new Set(["set", "outcome_set"]);

export function answerDiff(record: EvalRecord): ReportDiff | undefined {
  const r = record as AnyRecord;
  if (typeof r.fixed_code === "string" && typeof r.reference_fix === "string") return diffLines(r.reference_fix, r.fixed_code);
  if (typeof r.expected === "string" && typeof r.predicted === "string")
    return listDiff(r.expected, r.predicted, typeof r.answer_kind === "string" ? r.answer_kind : "term");
  return undefined;
}

function items(t: Term): string[] | undefined {
  return t.type === "list" && t.tail === undefined ? t.items.map((i) => printTerm(normalizeTerm(i))) : undefined;
}

function listDiff(expected: string, predicted: string, kind: string): ReportDiff | undefined {
  let gold: string[] | undefined;
  try {
    gold = items(normalizeTerm(parseTerm(expected)));
  } catch (err) {
    if (err instanceof TermParseError) return undefined;
    throw err;
  }
  if (!gold) return undefined;
  const read = readPredictedTerm(predicted);
  if ("error" in read) return undefined;
  // traceAnswer reads a lone outcome as a one-outcome set; the diff does the same.
  const pred = items(read.term) ?? (kind === "outcome_set" ? [printTerm(normalizeTerm(read.term))] : undefined);
  if (!pred) return undefined;
  if (UNORDERED.has(kind)) {
    const sorted = (xs: string[]) => [...new Set(xs)].sort();
    return { kind: "elements", ops: diffSequences(sorted(gold), sorted(pred)) };
  }
  return { kind: "elements", ops: diffSequences(gold, pred) };
}
