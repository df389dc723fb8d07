// Concurrent worlds for a trace dataset: generated from the seed in index
// order, explored in parallel on the pool, accepted strictly in index order
// (so the records do not depend on the pool size), one record per question.
// A world whose exploration is not complete, raises, or fails is dropped and
// counted; a world equal to an earlier one (same shape and constants) too.
import { hashValue, sha256 } from "@otpforge/core";
import type { Pool } from "@otpforge/beam";
import { splitOf } from "../quality.js";
import { concurrentWorldSeed, generateConcurrentWorld } from "./generate.js";
import { DEFAULT_BOUNDS, labelWorld, type ExploreBounds, type LabelledQuestion, type WorldLabel } from "./label.js";
import { concurrentReasoning } from "./reasoning.js";
import { CONCURRENT_GENERATOR_VERSION, CONCURRENT_RECORD_SCHEMA_VERSION, type ConcurrentTraceExample } from "./record.js";
import { concurrentEventTrace, concurrentProcessCode, concurrentQuestion } from "./render.js";
import { scenarioSource, type ConcurrentWorld } from "./world.js";

export interface ConcurrentWorldCounters {
  /** Worlds generated and looked at in this session. */
  run: number;
  /** Dropped: the search was cut by maxSchedules or maxSteps. */
  incomplete: number;
  /** Dropped: an outcome was a raise, not a value. */
  unreadable: number;
  /** Dropped: the exploration job failed. */
  failed: number;
  duplicates: number;
}

export interface ConcurrentBuildOptions {
  pool: Pool;
  seed: string;
  /** Records wanted (existing ones count): worlds are added until there are this many; the last world's questions are cut to fit. */
  records: number;
  versions: { elixir: string; otp: string };
  bounds?: ExploreBounds;
  /** Records of an earlier session with the same seed: kept, generation goes on after their last world. */
  existing?: readonly ConcurrentTraceExample[];
  /** Give up after this many worlds (default 3 per wanted record, at least 20). */
  maxWorlds?: number;
  /** Explorations in flight at once (default the pool's size). */
  parallelism?: number;
  onAccepted?: (records: ConcurrentTraceExample[]) => Promise<void> | void;
  onProgress?: (p: { records: number; target: number; worlds: number; run: number }) => void;
}

export interface ConcurrentBuildResult {
  examples: ConcurrentTraceExample[];
  counters: ConcurrentWorldCounters;
  /**
   * What one uncontrolled run showed, by record id, for this session's records: the one-run
   * baseline of the statistics. Not part of a record: a real run need not give the same value
   * twice, and the same seed must give the same file.
   */
  oneRuns: Record<string, string>;
  /** False when maxWorlds ran out before `records` records were made. */
  complete: boolean;
}

export function concurrentWorldHash(world: ConcurrentWorld): string {
  return hashValue({ family: world.family, variant: world.variant, shape: world.shape, params: world.params });
}

export function concurrentStructureHash(world: ConcurrentWorld): string {
  return hashValue({ family: world.family, variant: world.variant, shape: world.shape });
}

/** The records of one labelled world (one per question). */
export function concurrentRecords(
  world: ConcurrentWorld,
  label: Extract<WorldLabel, { kind: "labelled" }>,
  ctx: { seed: string; index: number; versions: { elixir: string; otp: string }; bounds?: ExploreBounds },
): ConcurrentTraceExample[] {
  const bounds = { ...DEFAULT_BOUNDS, ...ctx.bounds };
  const structureHash = concurrentStructureHash(world);
  const worldHash = concurrentWorldHash(world);
  const split = splitOf(structureHash);
  return label.questions.map((q: LabelledQuestion) => ({
    schemaVersion: CONCURRENT_RECORD_SCHEMA_VERSION,
    id: `tc-${sha256(`${ctx.seed}:concurrent:${ctx.index}:${q.question.key}`).slice(0, 16)}`,
    split,
    family: world.family,
    difficulty: world.difficulty,
    process_code: concurrentProcessCode(world),
    event_trace: concurrentEventTrace(world),
    question: concurrentQuestion(q.question),
    answer: q.answer,
    answer_kind: "outcome_set" as const,
    deterministic: q.outcomes.length === 1,
    reasoning: concurrentReasoning({
      world,
      what: q.question.part === undefined ? "Scenario.run/0's value" : "the part asked about",
      witnesses: q.witnesses,
      schedules: label.result.schedules,
      model: label.result.model,
      answer: q.answer,
    }),
    replay: scenarioSource(world),
    question_spec: {
      family: world.family,
      variant: world.variant,
      key: q.question.key,
      ...(q.question.part !== undefined ? { part: q.question.part } : {}),
    },
    exploration: {
      model: label.result.model,
      complete: true as const,
      schedules: label.result.schedules,
      pruned: label.result.pruned,
      maxSchedules: bounds.maxSchedules,
      maxSteps: bounds.maxSteps,
      witnesses: q.witnesses,
    },
    provenance: {
      generator: "otpforge/traces-concurrent" as const,
      generatorVersion: CONCURRENT_GENERATOR_VERSION,
      seed: ctx.seed,
      worldIndex: ctx.index,
      worldSeed: concurrentWorldSeed(ctx.seed, ctx.index),
      worldHash,
      structureHash,
      elixir: ctx.versions.elixir,
      otp: ctx.versions.otp,
    },
  }));
}

export async function buildConcurrentRecords(opts: ConcurrentBuildOptions): Promise<ConcurrentBuildResult> {
  const existing = [...(opts.existing ?? [])];
  const examples = [...existing];
  const used = new Set(existing.map((e) => e.provenance.worldHash));
  const counters: ConcurrentWorldCounters = { run: 0, incomplete: 0, unreadable: 0, failed: 0, duplicates: 0 };
  const oneRuns: Record<string, string> = {};
  const start = existing.length ? Math.max(...existing.map((e) => e.provenance.worldIndex)) + 1 : 0;
  const maxWorlds = opts.maxWorlds ?? Math.max(20, 3 * opts.records);
  const end = start + maxWorlds;
  const parallelism = Math.max(1, opts.parallelism ?? opts.pool.size ?? 2);
  const inflight = new Map<number, { world: ConcurrentWorld; label: Promise<WorldLabel> }>();
  let next = start;
  const launch = () => {
    while (inflight.size < parallelism && next < end) {
      const world = generateConcurrentWorld(opts.seed, next);
      // A duplicate is not explored: it is dropped when its turn comes.
      const label = used.has(concurrentWorldHash(world))
        ? Promise.resolve<WorldLabel>({ kind: "failed", message: "duplicate" })
        : labelWorld(opts.pool, world, opts.bounds);
      inflight.set(next++, { world, label });
    }
  };
  let done = used.size;
  try {
    for (let i = start; i < end && examples.length < opts.records; i++) {
      launch();
      const { world, label: pending } = inflight.get(i) as { world: ConcurrentWorld; label: Promise<WorldLabel> };
      const label = await pending;
      inflight.delete(i);
      counters.run++;
      const hash = concurrentWorldHash(world);
      if (used.has(hash)) counters.duplicates++;
      else if (label.kind === "incomplete") counters.incomplete++;
      else if (label.kind === "unreadable") counters.unreadable++;
      else if (label.kind === "failed") counters.failed++;
      else {
        used.add(hash);
        done++;
        // (Cut in question order: the same seed and target give the same records.)
        const records = concurrentRecords(world, label, { seed: opts.seed, index: i, versions: opts.versions, bounds: opts.bounds }).slice(
          0,
          opts.records - examples.length,
        );
        records.forEach((r, k) => {
          const seen = label.questions[k]?.oneRun;
          if (seen !== undefined) oneRuns[r.id] = seen;
        });
        examples.push(...records);
        await opts.onAccepted?.(records);
      }
      opts.onProgress?.({ records: examples.length, target: opts.records, worlds: done, run: counters.run });
    }
  } finally {
    await Promise.allSettled([...inflight.values()].map((x) => x.label));
  }
  return { examples, counters, oneRuns, complete: examples.length >= opts.records };
}
