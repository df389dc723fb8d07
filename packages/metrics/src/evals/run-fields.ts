// The part of an eval record that says what the model did on one example, so
// a wrong answer can be debugged from the records file alone: what it was
// given, how it reasoned, the text it actually wrote, and what that cost.
import { Prediction, type EvaluationRecord, type Example } from "@otpforge/core";

export interface RunFields {
  /** The example's input fields, as the program received them. */
  inputs: Record<string, unknown>;
  /** The program's `reasoning` output (ChainOfThought), when it has one. */
  reasoning?: string;
  /** The model's raw answer text; for a multi-step program one section per predictor call. */
  raw?: string;
  /** Tokens of every LM call of the program run (parse retries included when the LM is an LMClient). */
  tokens: { prompt: number; completion: number };
  /** Estimated US dollars; absent when the model's price is unknown. */
  costUSD?: number;
  /** Time of the program run alone, without the grading. */
  latencyMs: number;
}

export function runFields(r: EvaluationRecord<Example<any, any>, unknown>): RunFields {
  const reasoning = reasoningOf(r);
  const raw = rawOf(r);
  return {
    inputs: { ...r.example.inputs() },
    ...(reasoning !== undefined ? { reasoning } : {}),
    ...(raw !== undefined ? { raw } : {}),
    tokens: { prompt: r.usage.promptTokens, completion: r.usage.completionTokens },
    ...(r.usage.costUSD !== undefined ? { costUSD: r.usage.costUSD } : {}),
    latencyMs: Math.round(r.latencyMs),
  };
}

function reasoningOf(r: EvaluationRecord<Example<any, any>, unknown>): string | undefined {
  const outputs = r.prediction instanceof Prediction ? r.prediction.outputs : r.prediction;
  const own = (outputs as { reasoning?: unknown } | undefined)?.reasoning;
  if (typeof own === "string") return own;
  // A program that returns a later step's output: the last step that reasoned.
  for (let i = r.trace.length - 1; i >= 0; i--) {
    const v = r.trace[i]!.outputs.reasoning;
    if (typeof v === "string") return v;
  }
  return undefined;
}

function rawOf(r: EvaluationRecord<Example<any, any>, unknown>): string | undefined {
  const parts = r.trace.map((s) => ({ name: s.name ?? s.predictor.signature.name, raw: s.prediction.raw }));
  // A call that could not be parsed leaves no trace step, but its error keeps the answer (AdapterParseError.raw).
  const failed = (r.error as { raw?: unknown } | undefined)?.raw;
  if (typeof failed === "string") parts.push({ name: "unparsed answer", raw: failed });
  if (parts.length === 0) return undefined;
  if (parts.length === 1) return parts[0]!.raw;
  return parts.map((p) => `[${p.name}]\n${p.raw}`).join("\n\n");
}
