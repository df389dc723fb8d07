import { hashValue, rng, withTrace, type Example, type Metric, type Module, type Trace } from "@otpforge/core";
import type { Demo } from "../../artifact/schema.js";
import type { RunContext } from "../../run/run-context.js";
import { isDemoOf } from "../demos.js";
import { passes } from "../metric.js";
import { INTERRUPTED, type Outcome } from "./ordered-search.js";

/** What bootstrapping one trainset example produced. Stored in checkpoints, so JSON only. */
export interface ExampleOutcome extends Outcome {
  /** Rounds tried. */
  rounds: number;
  /** On success: one demo per predictor that ran, from the accepted trace. */
  demos?: Record<string, Demo>;
}

export interface BootstrapSettings {
  metric: Metric;
  metricThreshold?: number;
  maxRounds: number;
}

/**
 * Runs the teacher on one example for up to maxRounds rounds (round 0 as
 * configured; later rounds at temperature 1.0 with a fresh rolloutId, so they
 * are new samples rather than cached repeats) until the metric accepts the
 * prediction. The example is removed from the teacher's demos first: a
 * program must not be shown the answer it is asked for.
 */
export async function bootstrapExample(
  teacher: Module,
  example: Example,
  settings: BootstrapSettings,
  ctx: RunContext,
): Promise<ExampleOutcome | typeof INTERRUPTED> {
  const errors: string[] = [];
  for (let round = 0; round < settings.maxRounds; round++) {
    if (ctx.budgetStopped()) return INTERRUPTED;
    const copy = teacher.clone();
    for (const [, p] of copy.namedPredictors()) p.demos = p.demos.filter((d) => !isDemoOf(d, example, p));
    let accepted: Trace | undefined;
    try {
      accepted = await ctx.run(
        copy,
        async (program) => {
          const { result, trace } = await withTrace(() => program.forward(example.inputs()), { program });
          // The metric spends from the run's budget too, but at round 0's settings: a later
          // round's temperature is for sampling the teacher, not for an LM judge.
          const score = await ctx.runPlain(async () => settings.metric(example, result, trace));
          return passes(score, settings.metricThreshold) ? trace : undefined;
        },
        round,
      );
    } catch (err) {
      ctx.signal?.throwIfAborted();
      if (ctx.budgetStopped()) return INTERRUPTED;
      errors.push(err instanceof Error ? `${err.name}: ${err.message}` : String(err));
      continue;
    }
    if (accepted) return { success: true, rounds: round + 1, errors, demos: demosFromTrace(accepted) };
  }
  return { success: false, rounds: settings.maxRounds, errors };
}

/**
 * One demo per predictor from an accepted trace. A predictor called several
 * times in one run contributes one of its calls: the last, or with even odds
 * one of the earlier ones, chosen by a generator seeded from the calls
 * themselves (DSPy's rule), so the choice is the same on every run.
 */
export function demosFromTrace(trace: Trace): Record<string, Demo> {
  const byName = new Map<string, Demo[]>();
  for (const step of trace) {
    // Steps of predictors outside the program (made inside forward) have no name: skip them.
    if (!step.name) continue;
    const demo = JSON.parse(JSON.stringify({ ...step.inputs, ...step.outputs })) as Demo;
    const list = byName.get(step.name) ?? [];
    list.push(demo);
    byName.set(step.name, list);
  }
  const out: Record<string, Demo> = {};
  for (const [name, demos] of byName) {
    if (demos.length === 1) {
      out[name] = demos[0]!;
    } else {
      const r = rng(hashValue(demos));
      out[name] = r.next() < 0.5 ? r.pick(demos.slice(0, -1)) : demos.at(-1)!;
    }
  }
  return out;
}
