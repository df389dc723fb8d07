import { z } from "zod";

// The on-disk shape of a compiled program. Readers in other languages rely on
// it, so it only changes together with FORMAT_VERSION.

export const FORMAT_VERSION = 1;
export const ARTIFACT_KIND = "otpforge.compiled-program";

/** Any JSON value (demos hold whatever the signature's fields hold). */
const json: z.ZodType<unknown> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(json), z.record(z.string(), json)]),
);

export const FieldSpecSchema = z.object({
  name: z.string().min(1),
  /** Human-readable type, e.g. "string", "string[]", "{ a: number }". */
  type: z.string(),
  description: z.string().optional(),
  /** JSON Schema of the field's zod type (draft 2020-12, as zod emits it). */
  jsonSchema: z.record(z.string(), json),
});

export const SignatureSpecSchema = z.object({
  name: z.string(),
  instructions: z.string(),
  inputs: z.array(FieldSpecSchema),
  outputs: z.array(FieldSpecSchema),
});

export const PredictorArtifactSchema = z.object({
  /** Dotted name from Module.namedPredictors(). */
  name: z.string().min(1),
  signature: SignatureSpecSchema,
  signatureHash: z.string().min(1),
  /** The instructions the tuned predictor uses (may differ from signature.instructions). */
  instructions: z.string(),
  demos: z.array(z.record(z.string(), json)),
});

export const CandidateScoreSchema = z.object({
  /** Stable id within the run: "zero-shot", "labeled", "bootstrap", "shuffle-3", "instruction-2", ... */
  id: z.string(),
  score: z.number(),
  /** Demos per predictor in this candidate. */
  demos: z.record(z.string(), z.number().int().nonnegative()),
  /** Instructions per predictor when the candidate changed them. */
  instructions: z.record(z.string(), z.string()).optional(),
});

export const BudgetStopSchema = z.object({
  budget: z.enum(["maxLMCalls", "maxTokens", "maxCost"]),
  limit: z.number(),
  used: z.number(),
});

export const DatasetInfoSchema = z.object({
  size: z.number().int().nonnegative(),
  hash: z.string(),
  /** The dataset splits its examples came from (train, dev...), when they carry one. */
  splits: z.array(z.string()).optional(),
});

export const CompiledProgramSchema = z.object({
  kind: z.literal(ARTIFACT_KIND),
  formatVersion: z.literal(FORMAT_VERSION),
  name: z.string().min(1),
  predictors: z.array(PredictorArtifactSchema),
  /** Which model and adapter were tuned against; never keys, tokens or URLs with credentials. */
  lm: z.object({ id: z.string(), adapter: z.string().optional() }).nullable(),
  optimizer: z.object({
    name: z.string(),
    options: z.record(z.string(), json),
    seed: z.number().int(),
  }),
  scores: z.object({
    /** Mean metric (0..100) of the returned program on the valset. */
    val: z.number().optional(),
    /** Mean metric (0..100) of the student without demos on the valset, when it was measured: the baseline. */
    baseline: z.number().optional(),
    /** Mean metric (0..100) of the returned program on the trainset, when it was measured. */
    train: z.number().optional(),
    /** How many trainset examples the teacher attempted and how many passed the metric. */
    bootstrap: z.object({ attempted: z.number().int(), passed: z.number().int() }).optional(),
    /** Every candidate the optimizer scored, best first. */
    candidates: z.array(CandidateScoreSchema),
  }),
  /** Set when a budget stopped the run early: the program is the best found until then. */
  stoppedBy: BudgetStopSchema.nullable(),
  datasets: z.object({ trainset: DatasetInfoSchema, valset: DatasetInfoSchema.optional() }),
  /** Versions of the packages that produced the artifact. */
  versions: z.record(z.string(), z.string()),
  /** ISO time of creation. The only wall-clock value, and not covered by contentHash. */
  createdAt: z.string(),
  /** sha256 of the canonical JSON of every other member except createdAt. */
  contentHash: z.string().regex(/^[0-9a-f]{64}$/),
});

export type FieldSpec = z.infer<typeof FieldSpecSchema>;
export type SignatureSpec = z.infer<typeof SignatureSpecSchema>;
export type PredictorArtifact = z.infer<typeof PredictorArtifactSchema>;
export type CandidateScore = z.infer<typeof CandidateScoreSchema>;
export type BudgetStop = z.infer<typeof BudgetStopSchema>;
export type DatasetInfo = z.infer<typeof DatasetInfoSchema>;
export type CompiledProgram = z.infer<typeof CompiledProgramSchema>;
export type Demo = Record<string, unknown>;
