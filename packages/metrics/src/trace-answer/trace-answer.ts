// traceAnswer: the metric of the trace-prediction task. It reads the predicted
// term with our own literal parser (never `eval`), and compares it with the
// answer observed on the BEAM.
//
// Scoring, by the example's answer_kind:
//   integer       1 when the numbers are equal, else 0.
//   term          1 when the terms are equal after normalisation (exit reasons
//                 by class: `{:exit, {:noproc, {GenServer, :call, ...}}}` equals
//                 `{:exit, :noproc}`; keyword lists equal lists of pairs; map
//                 order is ignored; 2 equals 2.0). Multi-part answers get partial
//                 credit: two lists score 0.5 × LCS/max-length, two maps 0.5 × the
//                 share of keys with equal values. Anything else scores 0.
//   ordered_list  LCS(predicted, expected) / max(lengths): 1 only for the same
//                 sequence, proportional credit for the right messages in the
//                 right relative order.
//   set           Jaccard similarity of the distinct elements (order ignored).
//   outcome_set   Jaccard similarity of the sets of possible outcomes.
// A prediction that cannot be read as a term scores 0, with the parse error in
// the feedback.
import { jaccard, lcsLength, normalizeTerm, termKey } from "./compare.js";

import { parseTerm, printTerm, TermParseError, TRACE_ANSWER_KINDS, type Term, type TraceAnswerKind } from "@otpforge/otp-signatures";
export { TRACE_ANSWER_KINDS, type TraceAnswerKind };

export interface TraceAnswerScore {
  score: number;
  feedback: string;
}

/**
 * The term inside a model's answer: the whole text, else the text without a
 * markdown fence, else the last inline code span, else the last line (without
 * an "Answer:" label or a final period).
 */
export function readPredictedTerm(raw: string): { term: Term; text: string } | { error: string } {
  const text = raw.trim();
  const candidates: string[] = [text];
  const fence = /```[a-zA-Z]*\s*\n?([\s\S]*?)```/.exec(text);
  if (fence) candidates.push(fence[1].trim());
  const spans = [...text.matchAll(/`([^`\n]+)`/g)];
  if (spans.length) candidates.push(spans[spans.length - 1][1].trim());
  const lines = text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  if (lines.length) {
    const last = lines[lines.length - 1]
      .replace(/^(final\s+)?(answer|prediction)\s*[:=]\s*/i, "")
      .replace(/^`+|`+$/g, "")
      .trim();
    candidates.push(last, last.replace(/\.$/, ""));
  }
  let firstError: string | undefined;
  for (const c of candidates) {
    if (!c) continue;
    try {
      return { term: parseTerm(c), text: c };
    } catch (err) {
      if (!(err instanceof TermParseError)) throw err;
      firstError ??= err.message;
    }
  }
  return { error: firstError ?? "the prediction is empty" };
}

const show = (t: Term) => printTerm(normalizeTerm(t));

function asList(t: Term): Term[] | undefined {
  return t.type === "list" && t.tail === undefined ? t.items : undefined;
}

function keys(items: Term[]): string[] {
  return items.map((i) => termKey(normalizeTerm(i)));
}

function listDiff(expected: Term[], predicted: Term[]): string {
  const e = new Set(keys(expected));
  const p = new Set(keys(predicted));
  const missing = [...e].filter((k) => !p.has(k));
  const extra = [...p].filter((k) => !e.has(k));
  const parts: string[] = [];
  if (missing.length) parts.push(`missing ${missing.join(", ")}`);
  if (extra.length) parts.push(`unexpected ${extra.join(", ")}`);
  return parts.length ? parts.join("; ") : "same elements, different order";
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** Scores a predicted answer text against the expected one. Throws only if the expected answer itself is not a term. */
export function scoreTraceAnswer(expected: string, kind: TraceAnswerKind, predicted: string): TraceAnswerScore {
  const gold = normalizeTerm(parseTerm(expected));
  const read = readPredictedTerm(predicted ?? "");
  if ("error" in read) {
    return {
      score: 0,
      feedback: `Could not read the prediction as an Elixir term (${read.error}). Answer with the term only, e.g. ${printTerm(gold)}.`,
    };
  }
  const pred = normalizeTerm(read.term);
  const goldKey = termKey(gold);
  const predKey = termKey(pred);
  if (goldKey === predKey) return { score: 1, feedback: `Correct: ${show(gold)}.` };
  const wrong = `Expected ${show(gold)}, got ${show(pred)}`;

  switch (kind) {
    case "integer":
    case "term": {
      const g = asList(gold);
      const p = asList(pred);
      if (kind === "term" && g && p) {
        const s = 0.5 * (Math.max(g.length, p.length) === 0 ? 1 : lcsLength(keys(g), keys(p)) / Math.max(g.length, p.length));
        return { score: round(s), feedback: `${wrong} (${listDiff(g, p)}; partial credit for the list's common part).` };
      }
      if (kind === "term" && gold.type === "map" && pred.type === "map") {
        const gm = new Map(gold.entries.map(([k, v]) => [termKey(k), termKey(v)]));
        const pm = new Map(pred.entries.map(([k, v]) => [termKey(k), termKey(v)]));
        const all = new Set([...gm.keys(), ...pm.keys()]);
        const same = [...all].filter((k) => gm.has(k) && gm.get(k) === pm.get(k)).length;
        return { score: round(0.5 * (same / all.size)), feedback: `${wrong} (${same} of ${all.size} keys match; partial credit).` };
      }
      if (
        gold.type === "tuple" &&
        pred.type === "tuple" &&
        gold.items[0]?.type === "atom" &&
        (gold.items[0] as { value: string }).value === "exit"
      ) {
        return { score: 0, feedback: `${wrong}: the call exits, but the class of the exit reason differs.` };
      }
      return { score: 0, feedback: `${wrong}.` };
    }
    case "ordered_list": {
      const g = asList(gold);
      const p = asList(pred);
      if (!g) throw new Error(`the expected answer ${expected} of an ordered_list question is not a list`);
      if (!p) return { score: 0, feedback: `${wrong}: the answer must be a list.` };
      const n = Math.max(g.length, p.length);
      const s = n === 0 ? 1 : lcsLength(keys(g), keys(p)) / n;
      return { score: round(s), feedback: `${wrong} (${listDiff(g, p)}).` };
    }
    case "set":
    case "outcome_set": {
      const g = asList(gold);
      if (!g) throw new Error(`the expected answer ${expected} of a ${kind} question is not a list`);
      const p = asList(pred) ?? (kind === "outcome_set" ? [pred] : undefined);
      if (!p) return { score: 0, feedback: `${wrong}: the answer must be a list.` };
      const s = jaccard(keys(g), keys(p));
      return { score: round(s), feedback: `${wrong} (${listDiff(g, p)}; order does not matter).` };
    }
  }
}

interface ExampleLike {
  data?: Record<string, unknown>;
  answer?: unknown;
  answer_kind?: unknown;
}

function field(source: unknown, name: string): unknown {
  if (source && typeof source === "object") {
    const s = source as Record<string, unknown>;
    if (s.outputs && typeof s.outputs === "object" && name in (s.outputs as object)) return (s.outputs as Record<string, unknown>)[name];
    if (s.data && typeof s.data === "object" && name in (s.data as object)) return (s.data as Record<string, unknown>)[name];
    return s[name];
  }
  return undefined;
}

/**
 * The metric for evaluate() and the optimizers: `example` carries `answer` and
 * `answer_kind` (an Example or a plain record); `prediction` is a Prediction
 * with a `prediction` output, an object with one, or the answer text itself.
 */
export function traceAnswer(example: ExampleLike | Record<string, unknown>, prediction: unknown): TraceAnswerScore {
  const expected = field(example, "answer");
  const kind = (field(example, "answer_kind") ?? "term") as TraceAnswerKind;
  if (typeof expected !== "string") throw new Error("traceAnswer needs an example with a string `answer` (canonical Elixir term text)");
  if (!(TRACE_ANSWER_KINDS as readonly string[]).includes(kind))
    throw new Error(`unknown answer_kind "${String(kind)}"; expected one of ${TRACE_ANSWER_KINDS.join(", ")}`);
  const predicted = typeof prediction === "string" ? prediction : field(prediction, "prediction");
  if (typeof predicted !== "string") return { score: 0, feedback: "The program returned no `prediction` text." };
  return scoreTraceAnswer(expected, kind, predicted);
}
