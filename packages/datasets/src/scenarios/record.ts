// A generated bug/fix scenario record: what the generator wrote, kept only
// because the BEAM showed the bug on the buggy code and never on the fix, with
// that evidence and the command that checks it again.
import { z } from "zod";
import { CATEGORIES, type Category } from "@otpforge/otp-signatures";

/** Bumped when the same seed and model answers would give other records. */
export const SCENARIO_GENERATOR_VERSION = "1.1.0";

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
  verification: z
    .strictObject({
      verdict: z.literal("valid"),
      runs: z.number().int().positive(),
      /** Runs in which the harness failed on the buggy code; 0 only when a witness shows the bug instead. */
      buggy_failures: z.number().int().nonnegative(),
      fixed_failures: z.literal(0),
      /**
       * A schedule that shows the bug, found by the explorer: the failing outcome
       * and the schedule that reaches it (`replay` in @otpforge/beam), in words
       * too. The evidence itself when no run failed; else an illustration, found
       * by a short search (absent when that search met none).
       */
      witness: z
        .strictObject({
          model: z.literal("single-node"),
          outcome: z.string(),
          schedule: z.array(z.number().int().nonnegative()),
          steps: z.array(z.string()),
        })
        .optional(),
      /** With a witness: the fix's search, complete, in which every schedule gave :ok. */
      fix_exploration: z
        .strictObject({ model: z.literal("single-node"), complete: z.literal(true), schedules: z.number().int().positive() })
        .optional(),
      /** Near-duplicate fingerprints (layout, comments and variable names aside). */
      fingerprints: z.strictObject({ buggy: z.string(), fixed: z.string() }),
      elixir: z.string(),
      otp: z.string(),
    })
    .refine((v) => v.buggy_failures > 0 || (v.witness !== undefined && v.fix_exploration !== undefined), {
      message: "a kept pair shows its bug in a run, or carries the explorer's witness and the fix's complete search",
    }),
  provenance: z.strictObject({ seed: z.string(), attempt: z.number().int().nonnegative(), model: z.string().nullable() }),
  /** Runs the record's pair through the sandbox again. */
  replay: z.string(),
});

export type ScenarioRecord = z.infer<typeof scenarioRecordSchema>;

/**
 * A false friend: a generated "bug" that the BEAM shows is none. Its harness
 * passed on the suspect code in every real run and in every interleaving the
 * explorer ran (a complete search, single-node model), so the question "is
 * this a real bug?" has the answer no. The explorer's documented limits apply:
 * where the runtime orders a signal against a message it can miss an order,
 * never invent one.
 */
export const falseFriendRecordSchema = z.strictObject({
  id: z.string().regex(/^ff-[0-9a-f]{12}$/),
  kind: z.literal("false_friend"),
  generator: z.literal(SCENARIO_GENERATOR_VERSION),
  anti_pattern_id: z.string(),
  category: z.enum(categories),
  anti_pattern: z.string(),
  setting: z.string(),
  /** The code the generator said was buggy. */
  suspect_code: z.string(),
  /** What the generator said was wrong with it, and its "fix". */
  claimed_bug: z.string(),
  claimed_fix: z.string(),
  harness: z.string(),
  question: z.string(),
  is_bug: z.literal(false),
  split: z.enum(SPLITS),
  verification: z.strictObject({
    verdict: z.literal("not_a_bug"),
    runs: z.number().int().positive(),
    /** The harness passed on both versions in every run. */
    buggy_failures: z.literal(0),
    fixed_failures: z.literal(0),
    exploration: z.strictObject({
      model: z.literal("single-node"),
      complete: z.literal(true),
      schedules: z.number().int().positive(),
      /** Every outcome of Scenario.run/0 over all schedules: only :ok. */
      outcomes: z.tuple([z.literal(":ok")]),
    }),
    fingerprints: z.strictObject({ buggy: z.string(), fixed: z.string() }),
    elixir: z.string(),
    otp: z.string(),
  }),
  provenance: z.strictObject({ seed: z.string(), attempt: z.number().int().nonnegative(), model: z.string().nullable() }),
  /** The scenario explored (suspect code and harness): `otpforge explore replay.exs` shows its one outcome again. */
  replay: z.string(),
});

export type FalseFriendRecord = z.infer<typeof falseFriendRecordSchema>;

/** The question a false friend answers (no). */
export const FALSE_FRIEND_QUESTION =
  "The explanation says this code has a concurrency bug, and the harness is meant to show it. Is the bug real: can the harness fail on this code in some interleaving?";
