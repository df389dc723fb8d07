// One line of a trace dataset (JSONL), validated with zod and versioned.
import { z } from "zod";
import { traceRecordSchema, type TraceRecord } from "@otpforge/otp-signatures";
import { familySchema, questionSpecSchema } from "./questions/spec.js";
import { difficultySchema } from "./world.js";

export const TRACE_RECORD_SCHEMA_VERSION = 1;
/** Bump when the same seed would produce different records. */
export const TRACE_GENERATOR_VERSION = "2.0.0";

export { splitSchema, traceAnswerKindSchema as answerKindSchema, type Split } from "@otpforge/otp-signatures";

export const provenanceSchema = z
  .object({
    generator: z.literal("otpforge/traces"),
    generatorVersion: z.string(),
    worldSchemaVersion: z.number().int(),
    /** The dataset seed as given on the command line. */
    seed: z.string(),
    worldIndex: z.number().int().min(0),
    worldSeed: z.number().int(),
    /** sha256 of the canonical world (process names abstracted): the dedup key. */
    worldHash: z.string().regex(/^[0-9a-f]{64}$/),
    /** sha256 of the world's shape without its constants: decides the split. */
    structureHash: z.string().regex(/^[0-9a-f]{64}$/),
    elixir: z.string(),
    otp: z.string(),
    /** Runs observed; for an explored world, the schedules explored (all of them: the search was complete). */
    runs: z.number().int().positive(),
    /** Runs whose answer equals the recorded one (for outcome sets: runs of the most frequent outcome). */
    runsAgreed: z.number().int().min(0),
    /** Present when the world was observed by exploring every interleaving (@otpforge/beam's explorer). */
    explored: z
      .object({ model: z.enum(["single-node", "distributed"]), schedules: z.number().int().positive() })
      .strict()
      .optional(),
  })
  .strict();

const shared = traceRecordSchema.shape;

/**
 * A generated record: the shared trace record of @otpforge/otp-signatures,
 * narrowed (id format, known families and difficulties, reasoning required)
 * and extended with what the generator knows. Keys keep the order in which
 * records are written.
 */
export const traceExampleSchema = z
  .object({
    schemaVersion: z.literal(TRACE_RECORD_SCHEMA_VERSION),
    id: z.string().regex(/^tr-[0-9a-f]{16}$/),
    split: shared.split,
    family: familySchema,
    difficulty: difficultySchema,
    process_code: shared.process_code,
    event_trace: shared.event_trace,
    question: shared.question,
    answer: shared.answer,
    answer_kind: shared.answer_kind,
    deterministic: z.boolean(),
    reasoning: z.string().min(1),
    /** A standalone .exs: `elixir replay.exs` prints the answer as its last line. */
    replay: z.string().min(1),
    question_spec: questionSpecSchema,
    provenance: provenanceSchema,
  })
  .strict();
export type TraceExample = z.infer<typeof traceExampleSchema>;
// Every generated record is a shared trace record (a compile-time check).
((r: TraceExample): TraceRecord => r) satisfies unknown;
