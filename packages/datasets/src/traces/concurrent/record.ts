// One concurrent-world record: the shared trace record of @otpforge/otp-signatures
// (answer_kind outcome_set) with what the explorer established: the model, that
// the search was complete, and one witness interleaving per outcome.
import { z } from "zod";
import { traceRecordSchema, type TraceRecord } from "@otpforge/otp-signatures";
import { difficultySchema } from "../world.js";
import { CONCURRENT_FAMILIES } from "./world.js";

export const CONCURRENT_RECORD_SCHEMA_VERSION = 1;
/** Bump when the same seed would produce different concurrent records. */
export const CONCURRENT_GENERATOR_VERSION = "0.2.0";

const shared = traceRecordSchema.shape;

export const concurrentFamilySchema = z.enum(CONCURRENT_FAMILIES);

const witnessSchema = z
  .object({
    /** The outcome this witness shows, in the answer's canonical syntax (the part the question asks about). */
    outcome: z.string().min(1),
    /** Scenario.run/0's whole value in that schedule (canonical syntax), or :deadlock. */
    value: z.string().min(1),
    /** The explorer's choices: replay(pool, replay, witness) reaches this value. */
    witness: z.array(z.number().int().min(0)),
    /** The same schedule in words, one line per choice. */
    steps: z.array(z.string()),
    /** For a deadlock: each process and the function it waits in. */
    blocked: z.array(z.object({ process: z.string(), waitsIn: z.string() }).strict()).optional(),
  })
  .strict();

export const concurrentTraceExampleSchema = z
  .object({
    schemaVersion: z.literal(CONCURRENT_RECORD_SCHEMA_VERSION),
    id: z.string().regex(/^tc-[0-9a-f]{16}$/),
    split: shared.split,
    family: concurrentFamilySchema,
    difficulty: difficultySchema,
    process_code: shared.process_code,
    event_trace: shared.event_trace,
    question: shared.question,
    answer: shared.answer,
    answer_kind: z.literal("outcome_set"),
    /** True when exploration proved a single outcome. */
    deterministic: z.boolean(),
    reasoning: z.string().min(1),
    /** The scenario explored (modules and Scenario): `otpforge explore replay.exs` gives the outcomes again, `--replay` one witness. */
    replay: z.string().min(1),
    question_spec: z
      .object({ family: concurrentFamilySchema, variant: z.string(), key: z.string(), part: z.number().int().min(0).optional() })
      .strict(),
    exploration: z
      .object({
        model: z.enum(["single-node", "distributed"]),
        complete: z.literal(true),
        schedules: z.number().int().positive(),
        pruned: z.number().int().min(0),
        maxSchedules: z.number().int().positive(),
        maxSteps: z.number().int().positive(),
        /** One witness per possible outcome of the question, in the answer's order. */
        witnesses: z.array(witnessSchema).min(1),
      })
      .strict(),
    provenance: z
      .object({
        generator: z.literal("otpforge/traces-concurrent"),
        generatorVersion: z.string(),
        seed: z.string(),
        worldIndex: z.number().int().min(0),
        worldSeed: z.number().int(),
        worldHash: z.string().regex(/^[0-9a-f]{64}$/),
        structureHash: z.string().regex(/^[0-9a-f]{64}$/),
        elixir: z.string(),
        otp: z.string(),
      })
      .strict(),
  })
  .strict();
export type ConcurrentTraceExample = z.infer<typeof concurrentTraceExampleSchema>;
// Every concurrent record is a shared trace record (a compile-time check).
((r: ConcurrentTraceExample): TraceRecord => r) satisfies unknown;
