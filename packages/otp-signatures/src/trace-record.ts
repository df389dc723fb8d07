// The one trace-record schema: the fields a ConcurrencyTrace example has,
// whoever made it. @otpforge/datasets extends it with what its generator
// records (provenance, replay script, question spec) and makes it strict;
// the trace metric, eval and task read these fields and nothing else.
import { z } from "zod";

/** How the trace metric compares an answer (see traceAnswer in @otpforge/metrics). */
export const TRACE_ANSWER_KINDS = ["term", "integer", "ordered_list", "set", "outcome_set"] as const;
export const traceAnswerKindSchema = z.enum(TRACE_ANSWER_KINDS);
export type TraceAnswerKind = z.infer<typeof traceAnswerKindSchema>;

/** Dataset splits. Compile trains on train and validates on dev; test is for the final comparison only. */
export const SPLITS = ["train", "dev", "test"] as const;
export const splitSchema = z.enum(SPLITS);
export type Split = z.infer<typeof splitSchema>;

export const traceRecordSchema = z.object({
  id: z.string().min(1),
  split: splitSchema,
  /** The question family (what is asked: call_result, handling_order, ...). */
  family: z.string().min(1),
  difficulty: z.string().min(1),
  process_code: z.string().min(1),
  event_trace: z.string().min(1),
  question: z.string().min(1),
  /** Canonical Elixir term text, as observed on the BEAM. */
  answer: z.string().min(1),
  answer_kind: traceAnswerKindSchema,
  /** Step-by-step reasoning written from the observed events: the label of the `reasoning` output. */
  reasoning: z.string().min(1).optional(),
});
export type TraceRecord = z.infer<typeof traceRecordSchema>;
