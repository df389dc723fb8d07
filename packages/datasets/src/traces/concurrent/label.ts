// Labelling a concurrent world: explore every interleaving of its scenario on
// the BEAM; a search that is not complete labels nothing (the world is dropped
// and counted); otherwise each question's answer is the set of its possible
// outcomes, each with one witness schedule.
import { explore, type DeliveryModel, type ExploreResult, type ExploredOutcome, type Pool } from "@otpforge/beam";
import { canonicalOutcome, DEADLOCK_OUTCOME, outcomeSetText, projectOutcome, sortedOutcomes, UnreadableOutcomeError } from "./outcomes.js";
import { scenarioSource, type ConcurrentQuestion, type ConcurrentWorld } from "./world.js";

export interface ExploreBounds {
  model?: DeliveryModel;
  maxSchedules?: number;
  maxSteps?: number;
  /** The exploration job's time limit (ms); default 60 s. */
  timeoutMs?: number;
}

export const DEFAULT_BOUNDS = { model: "single-node", maxSchedules: 1000, maxSteps: 300 } as const;

export interface LabelledWitness {
  outcome: string;
  value: string;
  witness: number[];
  steps: string[];
  blocked?: Array<{ process: string; waitsIn: string }>;
}

export interface LabelledQuestion {
  question: ConcurrentQuestion;
  outcomes: string[];
  answer: string;
  witnesses: LabelledWitness[];
  /** What one uncontrolled run (no explorer, the real scheduler) showed: the baseline a single run offers. */
  oneRun?: string;
}

export type WorldLabel =
  | { kind: "labelled"; result: ExploreResult; questions: LabelledQuestion[] }
  /** The search was cut by a bound: the outcomes seen are not known to be all. */
  | { kind: "incomplete"; result: ExploreResult }
  /** An outcome the answer syntax cannot hold (Scenario.run/0 raised): the world asks nothing. */
  | { kind: "unreadable"; outcome: string }
  /** The scenario could not be explored at all (compile error, policy, timeout). */
  | { kind: "failed"; message: string };

/** Shortest witness first: the easiest interleaving to follow. */
function simplest(a: ExploredOutcome, b: ExploredOutcome): number {
  return a.steps.length - b.steps.length || (a.outcome < b.outcome ? -1 : 1);
}

/** The labels of a finished exploration (exported for tests that feed it a result by hand). */
export function labelFromResult(world: ConcurrentWorld, result: ExploreResult): WorldLabel {
  if (!result.complete || result.outcomes.some((o) => o.cut)) return { kind: "incomplete", result };
  let values: Array<{ value: string; o: ExploredOutcome }>;
  try {
    values = result.outcomes.map((o) => ({ value: canonicalOutcome(o.outcome), o }));
  } catch (err) {
    if (err instanceof UnreadableOutcomeError) return { kind: "unreadable", outcome: err.outcome };
    throw err;
  }
  const questions = world.questions.map((q) => {
    const byOutcome = new Map<string, { value: string; o: ExploredOutcome }>();
    for (const v of [...values].sort((a, b) => simplest(a.o, b.o))) {
      const outcome = projectOutcome(v.value, q.part);
      if (!byOutcome.has(outcome)) byOutcome.set(outcome, v);
    }
    const outcomes = sortedOutcomes(byOutcome.keys());
    const witnesses = outcomes.map((outcome) => {
      const { value, o } = byOutcome.get(outcome) as { value: string; o: ExploredOutcome };
      return { outcome, value, witness: o.witness, steps: o.steps, ...(o.blocked ? { blocked: o.blocked } : {}) };
    });
    return { question: q, outcomes, answer: outcomeSetText(outcomes), witnesses };
  });
  return { kind: "labelled", result, questions };
}

/** Explores the world's scenario within the bounds and labels its questions. */
export async function labelWorld(pool: Pool, world: ConcurrentWorld, bounds: ExploreBounds = {}): Promise<WorldLabel> {
  const label = await exploreAndLabel(pool, world, bounds);
  if (label.kind !== "labelled") return label;
  const run = oneRunOutcome(label.result.oneRun);
  return {
    ...label,
    questions: label.questions.map((q) => ({ ...q, oneRun: run === undefined ? undefined : safeProject(run, q.question.part) })),
  };
}

/**
 * The explorer first runs the scenario once on the real scheduler (in the same job): a run that
 * has not returned by then counts as stuck, :deadlock, which is what a user of one run would see.
 */
const ONE_RUN_MS = 2_000;

/** That run's value in canonical syntax; undefined when it raised (no baseline for that world). */
function oneRunOutcome(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  if (raw === "timeout") return DEADLOCK_OUTCOME;
  try {
    return canonicalOutcome(raw);
  } catch {
    return undefined;
  }
}

function safeProject(outcome: string, part: number | undefined): string | undefined {
  try {
    return projectOutcome(outcome, part);
  } catch {
    return undefined;
  }
}

async function exploreAndLabel(pool: Pool, world: ConcurrentWorld, bounds: ExploreBounds): Promise<WorldLabel> {
  const b = { ...DEFAULT_BOUNDS, ...bounds };
  let result: ExploreResult;
  try {
    result = await explore(pool, scenarioSource(world), {
      model: b.model,
      maxSchedules: b.maxSchedules,
      maxSteps: b.maxSteps,
      oneRun: ONE_RUN_MS,
      ...(b.timeoutMs ? { limits: { timeoutMs: b.timeoutMs } } : {}),
    });
  } catch (err) {
    return { kind: "failed", message: (err as Error).message };
  }
  return labelFromResult(world, result);
}
