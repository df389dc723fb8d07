// The trace dataset pipeline: seeded worlds, observed in batches on the BEAM,
// turned into balanced, deduplicated, split records, accepted strictly in world
// order so that the same seed gives the same records at any parallelism.
import { Rng, sha256 } from "@otpforge/core";
import { candidates, buildRecord, type Candidate } from "./examples.js";
import { DIFFICULTY_KNOBS, generateWorld, type TraceKnobs } from "./generate.js";
import { DEFAULT_WORLD_BOUNDS, exploreWorld, WorldIncompleteError, type WorldExploreBounds } from "./explore-world.js";
import { observeWorlds, runSeeds, WorldRunError, type WorldObservation } from "./observe-world.js";
import { BalanceTracker, datasetStats, splitOf, structureHash, worldHash, type TraceDatasetStats } from "./quality.js";
import { candidateSpecs, FAMILIES, type Family, type QuestionSpec } from "./questions/spec.js";
import type { TraceExample } from "./record.js";
import { checkResume, generationOptions } from "./resume-check.js";
import type { Pool } from "@otpforge/beam";
import { buildConcurrentRecords, type ConcurrentWorldCounters } from "./concurrent/build.js";
import type { ExploreBounds } from "./concurrent/label.js";
import type { ConcurrentTraceExample } from "./concurrent/record.js";
import { concurrentStats, type ConcurrentStats } from "./concurrent/stats.js";
import { isConcurrentRecord, type TraceDatasetRecord } from "./dataset-record.js";
import type { ElixirRunner } from "./runner.js";
import type { Difficulty, World } from "./world.js";

export interface TraceDatasetOptions {
  /** Number of examples wanted (existing ones count), sequential and concurrent together. */
  n: number;
  /**
   * The share of the n examples that come from concurrent worlds (several clients at once,
   * answered with every possible outcome: src/traces/concurrent/), rounded; default 0. They need
   * the BEAM pool (poolRunner). The CLI and the demo ask for half.
   */
  concurrentShare?: number;
  /** Bounds of each concurrent world's exploration (a world past them is dropped). */
  concurrentBounds?: Partial<ExploreBounds>;
  seed: string | number;
  runner: ElixirRunner;
  families?: readonly Family[];
  /** All worlds at this difficulty; by default each world draws one. */
  difficulty?: Difficulty;
  /**
   * How worlds are observed. "explore" (the default when the runner can: the BEAM pool): every
   * interleaving under @otpforge/beam's explorer, in virtual time; a world is kept only if every
   * schedule gives the same observation. "runs": `runs` perturbed real-time runs that must agree
   * (what a plain `elixir` runner can do; timing margins make it depend on an idle machine).
   */
  observation?: "explore" | "runs";
  /** Bounds of each world's exploration (a world past them is dropped as incomplete). */
  exploreBounds?: Partial<WorldExploreBounds>;
  /** Runs per world when observation is "runs" (default 5); the replay scripts' seeds come from them either way. */
  runs?: number;
  /** At most this many questions per world (default 6), at most two per family. */
  questionsPerWorld?: number;
  /** Give up after this many worlds (default 40 per wanted example, at least 200). */
  maxWorlds?: number;
  /** Worlds per BEAM job (default 10). */
  batchSize?: number;
  knobs?: Partial<TraceKnobs>;
  /**
   * Worlds with deliberate races; answers that differ between runs become
   * "which outcomes are possible" questions (deterministic: false). Such files
   * are not byte-reproducible: the observed outcome sets may differ between sessions.
   */
  races?: boolean;
  /**
   * Records of an earlier session with the same seed: kept, and generation
   * resumes after the last world they come from (so they must hold all records
   * of each of their worlds; readTraceDataset takes care of a cut-off checkpoint).
   */
  existing?: readonly TraceDatasetRecord[];
  onProgress?: (p: TraceProgress) => void;
  /** Called after each world that added records, with just those records (for an append-only checkpoint). */
  onAccepted?: (records: TraceDatasetRecord[]) => Promise<void> | void;
  signal?: AbortSignal;
}

export interface TraceProgress {
  /** "sequential" worlds first, then "concurrent" ones. */
  phase: "sequential" | "concurrent";
  examples: number;
  target: number;
  worlds: number;
}

export interface TraceDatasetResult {
  /** Sequential records first (in world order), then concurrent ones. */
  examples: TraceDatasetRecord[];
  stats: TraceDatasetStats & { concurrent?: ConcurrentStats };
  /** False when the world budget ran out before every family was full. */
  complete: boolean;
}

// Where a resumed session's records come from is checked in resume-check.ts; its error is part of this API.
export { TraceResumeError } from "./resume-check.js";

const DIFFICULTIES: Difficulty[] = ["easy", "medium", "hard"];
const MAX_CONSECUTIVE_FAILURES = 12;

interface PlannedWorld {
  index: number;
  worldSeed: number;
  world: World;
  specs: QuestionSpec[];
  seeds: number[];
}

/** Well-mixed per-world seeds (neighbouring indexes must not give similar generators). */
export function worldSeedOf(seed: string, index: number): number {
  return parseInt(sha256(`${seed}:world:${index}`).slice(0, 8), 16);
}

function planWorld(seed: string, index: number, opts: TraceDatasetOptions, runs: number): PlannedWorld {
  const worldSeed = worldSeedOf(seed, index);
  const difficulty = opts.difficulty ?? new Rng(worldSeed).pick(DIFFICULTIES);
  const knobs = { ...opts.knobs, ...(opts.races ? { races: true } : {}) };
  const world = generateWorld(worldSeed, difficulty, knobs);
  return { index, worldSeed, world, specs: candidateSpecs(world), seeds: runSeeds(worldSeed, runs) };
}

/** Elixir and OTP versions of the runner's BEAM, for provenance. */
export async function beamVersions(runner: ElixirRunner): Promise<{ elixir: string; otp: string }> {
  const r = await runner.run({ files: [], script: 'System.version() <> " " <> System.otp_release()', timeoutMs: 30_000 });
  if (!r.ok) throw new WorldRunError(`could not ask the BEAM for its versions: ${r.message}`);
  const [elixir, otp] = r.value.trim().split(" ");
  return { elixir, otp };
}

/** The share of n that concurrent worlds make (the rest: sequential worlds). */
export function concurrentTarget(n: number, share = 0): number {
  if (!(share >= 0 && share <= 1)) throw new RangeError(`concurrentShare must be between 0 and 1, not ${share}`);
  return Math.round(n * share);
}

export async function buildTraceDataset(opts: TraceDatasetOptions): Promise<TraceDatasetResult> {
  const nConcurrent = concurrentTarget(opts.n, opts.concurrentShare);
  const existing = opts.existing ?? [];
  const existingConcurrent = existing.filter(isConcurrentRecord);
  const sequential = await buildSequential({
    ...opts,
    n: opts.n - nConcurrent,
    existing: existing.filter((e): e is TraceExample => !isConcurrentRecord(e)),
  });
  if (nConcurrent === 0 && existingConcurrent.length === 0) return sequential;
  if (!opts.runner.pool && existingConcurrent.length < nConcurrent) {
    throw new WorldRunError(
      "concurrent worlds are explored on the BEAM pool: build the runner with poolRunner(pool), or pass concurrentShare 0",
    );
  }
  const counters: ConcurrentWorldCounters = { run: 0, incomplete: 0, unreadable: 0, failed: 0, duplicates: 0 };
  let concurrent: ConcurrentTraceExample[] = existingConcurrent;
  let oneRuns: Record<string, string> = {};
  let complete = true;
  if (existingConcurrent.length < nConcurrent) {
    const built = await buildConcurrentRecords({
      pool: opts.runner.pool as Pool,
      seed: String(opts.seed),
      records: nConcurrent,
      versions: await beamVersions(opts.runner),
      bounds: opts.concurrentBounds,
      existing: existingConcurrent,
      parallelism: opts.runner.parallelism,
      onAccepted: opts.onAccepted,
      onProgress: (p) => opts.onProgress?.({ phase: "concurrent", examples: p.records, target: p.target, worlds: p.run }),
    });
    concurrent = built.examples;
    oneRuns = built.oneRuns;
    complete = built.complete;
    Object.assign(counters, built.counters);
  }
  return {
    examples: [...sequential.examples, ...concurrent],
    stats: { ...sequential.stats, concurrent: concurrentStats(concurrent, counters, oneRuns) },
    complete: sequential.complete && complete,
  };
}

async function buildSequential(
  opts: TraceDatasetOptions & { existing: readonly TraceExample[] },
): Promise<TraceDatasetResult & { examples: TraceExample[] }> {
  const seed = String(opts.seed);
  const families = opts.families?.length ? [...opts.families] : [...FAMILIES];
  const runs = opts.runs ?? 5;
  const perWorld = opts.questionsPerWorld ?? 6;
  const batchSize = opts.batchSize ?? 10;
  const existing = [...(opts.existing ?? [])];
  const explore = (opts.observation ?? (opts.runner.explore ? "explore" : "runs")) === "explore";
  // What the records show (seed, observation, runs, families, difficulty, generator) must match these options.
  checkResume("the existing file", existing, undefined, generationOptions({ ...opts, observation: explore ? "explore" : "runs" }));
  const tracker = new BalanceTracker(opts.n, families);
  for (const e of existing) if (families.includes(e.family)) tracker.add(e.family, e.answer);
  const usedWorlds = new Set(existing.map((e) => e.provenance.worldHash));
  const examples = [...existing];
  const start = existing.length ? Math.max(...existing.map((e) => e.provenance.worldIndex)) + 1 : 0;
  const maxWorlds = opts.maxWorlds ?? Math.max(200, 40 * opts.n);
  const counters = { run: 0, duplicates: 0, disagreeing: 0, failed: 0, busy: 0, incomplete: 0 };
  if (explore && !opts.runner.explore)
    throw new WorldRunError(
      'observation "explore" needs a runner that can explore (the BEAM pool\'s poolRunner); a plain `elixir` runner can only do "runs"',
    );
  const bounds = { ...DEFAULT_WORLD_BOUNDS, ...opts.exploreBounds };
  const observe = (batch: PlannedWorld[]) =>
    explore ? Promise.all(batch.map((w) => exploreWorld(opts.runner, w, bounds))) : observeWorlds(opts.runner, batch);
  const progress = () => opts.onProgress?.({ phase: "sequential", examples: examples.length, target: opts.n, worlds: counters.run });

  if (tracker.full() || examples.length >= opts.n) {
    return { examples, stats: datasetStats(examples, opts.n, families, counters), complete: true };
  }
  const versions = await beamVersions(opts.runner);

  // Batches run ahead in parallel; their results are consumed in world order.
  const inflight = new Map<number, Promise<Array<WorldObservation | WorldRunError>>>();
  const plans = new Map<number, PlannedWorld[]>();
  const end = start + maxWorlds;
  let nextBatch = start;
  let worldsInFlight = 0;
  // Run ahead enough to keep every worker busy, but not far past what the
  // remaining examples need (work launched beyond the end is wasted). Which
  // worlds are accepted does not depend on this: results are taken in order.
  const launch = () => {
    const addedHere = () => examples.length - existing.length;
    const perWorld = counters.run > 0 ? Math.max(0.5, addedHere() / counters.run) : 2;
    const stillNeeded = () => (opts.n - examples.length) / perWorld;
    while (
      inflight.size < Math.max(2, opts.runner.parallelism * 2) &&
      nextBatch < end &&
      (inflight.size < 1 || worldsInFlight < stillNeeded() + opts.runner.parallelism)
    ) {
      // Smaller batches near the end: less work launched that will not be needed.
      const size = Math.max(1, Math.min(batchSize, Math.ceil(stillNeeded() / opts.runner.parallelism)));
      const batch: PlannedWorld[] = [];
      for (let i = nextBatch; i < Math.min(end, nextBatch + size); i++) batch.push(planWorld(seed, i, opts, runs));
      plans.set(nextBatch, batch);
      inflight.set(nextBatch, observe(batch));
      worldsInFlight += batch.length;
      nextBatch += batch.length;
    }
  };

  let consecutiveFailures = 0;
  progress();
  try {
    for (let b = start; b < end && !tracker.full();) {
      if (opts.signal?.aborted) throw opts.signal.reason ?? new Error("aborted");
      launch();
      const batch = plans.get(b) as PlannedWorld[];
      const results = await (inflight.get(b) as Promise<Array<WorldObservation | WorldRunError>>);
      inflight.delete(b);
      plans.delete(b);
      worldsInFlight -= batch.length;
      for (let k = 0; k < batch.length && !tracker.full(); k++) {
        counters.run++;
        // A world observed while the machine was too busy to keep its timing is
        // observed again, alone, before it is given up: otherwise which worlds
        // make the file would depend on the machine's load, not on the seed.
        for (let retry = 0; retry < LAGGED_WORLD_RETRIES && isLagged(results[k]); retry++) {
          results[k] = (await observeWorlds(opts.runner, [batch[k] as PlannedWorld]))[0] as WorldObservation | WorldRunError;
        }
        const r = results[k];
        consecutiveFailures = r instanceof WorldRunError ? consecutiveFailures + 1 : 0;
        // One failing world is data; many in a row mean the setup is broken.
        if (r instanceof WorldRunError && consecutiveFailures >= MAX_CONSECUTIVE_FAILURES) {
          throw new WorldRunError(`${consecutiveFailures} worlds in a row could not be observed; the last said: ${r.message}`);
        }
        const accepted = acceptWorld(batch[k], results[k], {
          seed,
          families,
          perWorld,
          tracker,
          usedWorlds,
          counters,
          versions,
          races: opts.races ?? false,
        });
        if (accepted.length > 0) {
          examples.push(...accepted);
          await opts.onAccepted?.(accepted);
        }
        progress();
      }
      b += batch.length;
    }
  } finally {
    // Batches launched ahead and not needed: let them finish before returning.
    await Promise.allSettled(inflight.values());
  }
  const stats = datasetStats(examples, opts.n, families, counters);
  return { examples, stats, complete: tracker.full() };
}

/** Extra observations of a world whose runs lagged before it is dropped as "busy". */
const LAGGED_WORLD_RETRIES = 4;

function isLagged(r: WorldObservation | WorldRunError | undefined): boolean {
  return r !== undefined && !(r instanceof WorldRunError) && r.lagged;
}

interface AcceptContext {
  seed: string;
  families: Family[];
  perWorld: number;
  tracker: BalanceTracker;
  usedWorlds: Set<string>;
  counters: { duplicates: number; disagreeing: number; failed: number; busy: number; incomplete: number };
  versions: { elixir: string; otp: string };
  races: boolean;
}

function acceptWorld(plan: PlannedWorld, result: WorldObservation | WorldRunError, ctx: AcceptContext): TraceExample[] {
  if (result instanceof WorldIncompleteError) {
    // Its outcomes are not known completely: nothing is claimed about it.
    ctx.counters.incomplete++;
    return [];
  }
  if (result instanceof WorldRunError) {
    ctx.counters.failed++;
    return [];
  }
  if (result.lagged) {
    // The machine was too busy to keep the schedule's timing: nothing observed is trusted.
    ctx.counters.busy++;
    return [];
  }
  const hash = worldHash(plan.world);
  if (ctx.usedWorlds.has(hash)) {
    ctx.counters.duplicates++;
    return [];
  }
  const racy = !result.eventsAgree || result.orderSensitive;
  if (racy) {
    ctx.counters.disagreeing++;
    // The reasoning is written from the event log: without races enabled a
    // world whose runs differ, or could differ, contributes nothing.
    if (!ctx.races) return [];
  }
  // In a racy world even an answer all runs agreed on is only "what was observed": asked as an outcome set.
  const all = candidates(plan.specs, result, ctx.races, racy);
  const rng = new Rng(plan.worldSeed).fork("questions");
  const structure = structureHash(plan.world);
  const chosen: Candidate[] = [];
  // Two rounds over the families, furthest from their quota first (ties in the
  // configured order): a world gives at most two questions of one family.
  for (let round = 0; round < 2; round++) {
    const order = [...ctx.families].sort(
      (a, b) => ctx.tracker.need(b) - ctx.tracker.need(a) || ctx.families.indexOf(a) - ctx.families.indexOf(b),
    );
    for (const family of order) {
      if (chosen.length >= ctx.perWorld) break;
      const pick = rng
        .shuffle(all.filter((c) => c.spec.family === family && !chosen.includes(c)))
        .find((c) => ctx.tracker.canAccept(family, c.answer));
      if (!pick) continue;
      ctx.tracker.add(family, pick.answer);
      chosen.push(pick);
    }
  }
  if (chosen.length === 0) return [];
  ctx.usedWorlds.add(hash);
  return chosen.map((c) =>
    buildRecord(
      {
        world: plan.world,
        obs: result,
        specs: plan.specs,
        seed: ctx.seed,
        worldIndex: plan.index,
        worldSeed: plan.worldSeed,
        runSeeds: plan.seeds,
        worldHash: hash,
        structureHash: structure,
        split: splitOf(structure),
        versions: ctx.versions,
      },
      c,
    ),
  );
}

export { DIFFICULTY_KNOBS };
