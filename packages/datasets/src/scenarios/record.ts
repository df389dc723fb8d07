// A generated bug/fix scenario record: what the generator wrote, kept only
// because the BEAM showed the bug on the buggy code and never on the fix, with
// that evidence and the command that checks it again.
import { z } from "zod";
import { CATEGORIES, type Category } from "@otpforge/otp-signatures";

/** Bumped when the same seed and model answers would give other records. */
export const SCENARIO_GENERATOR_VERSION = "1.0.0";

export const SPLITS = ["train", "dev", "test"] as const;
export type ScenarioSplit = (typeof SPLITS)[number];

const categories = Object.keys(CATEGORIES) as [Category, ...Category[]];

export const scenarioRecordSchema = z.strictObject({
  id: z.string().regex(/^scn-[0-9a-f]{12}$/),
  kind: z.literal("scenario"),
  generator: z.literal(SCENARIO_GENERATOR_VERSION),
  /** The catalog anti-pattern this example is a variant of. */
  anti_pattern_id: z.string(),
  category: z.enum(categories),
  /** The generator's input: the anti-pattern and the setting asked for. */
  anti_pattern: z.string(),
  setting: z.string(),
  buggy_code: z.string(),
  fixed_code: z.string(),
  explanation: z.string(),
  harness: z.string(),
  /** By anti-pattern (every variant of one anti-pattern is in one split), so dev and test hold anti-patterns train never saw. */
  split: z.enum(SPLITS),
  verification: z.strictObject({
    verdict: z.literal("valid"),
    runs: z.number().int().positive(),
    buggy_failures: z.number().int().positive(),
    fixed_failures: z.literal(0),
    /** Near-duplicate fingerprints (layout, comments and variable names aside). */
    fingerprints: z.strictObject({ buggy: z.string(), fixed: z.string() }),
    elixir: z.string(),
    otp: z.string(),
  }),
  provenance: z.strictObject({ seed: z.string(), attempt: z.number().int().nonnegative(), model: z.string().nullable() }),
  /** Runs the record's pair through the sandbox again. */
  replay: z.string(),
});

export type ScenarioRecord = z.infer<typeof scenarioRecordSchema>;
