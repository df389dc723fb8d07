import { rng, type Example, type Metric, type Module } from "@otpforge/core";
import type { CandidateScore } from "../artifact/schema.js";
import type { RunContext } from "../run/run-context.js";
import { runBootstrap } from "./bootstrap-few-shot.js";
import { assignLabeledDemos, demoCounts, withoutDemos } from "./demos.js";
import { describeInstructionSearch, proposeInstructions, type InstructionSearchOptions } from "./instruction-proposal.js";
import { CompileInputError, Teleprompter, type OptimizeOutcome, type RunData } from "./teleprompter.js";

export interface RandomSearchOptions {
  metric: Metric;
  metricThreshold?: number;
  /** Upper bound of the seeded demo count of shuffled candidates (and the unshuffled candidate's count). Default 4. */
  maxBootstrappedDemos?: number;
  maxLabeledDemos?: number;
  maxRounds?: number;
  /** Shuffled candidates after the three fixed ones. Default 16. */
  numCandidates?: number;
  /** Stop as soon as a candidate scores at least this (0..100). */
  stopAtScore?: number;
  /** Afterwards, tune the best candidate's instructions too (COPRO-like proposal). */
  instructions?: InstructionSearchOptions;
}

interface StoredCandidate {
  score: number;
  state: ReturnType<Module["dumpState"]>;
}

/**
 * DSPy's BootstrapFewShotWithRandomSearch: score on the valset, in order, a
 * zero-shot program, a labeled-only one, an unshuffled bootstrap, then
 * bootstraps over seeded shuffles of the trainset with a seeded number of
 * demos; keep the best (the first to reach the best score).
 */
export class BootstrapFewShotWithRandomSearch extends Teleprompter {
  readonly name = "BootstrapFewShotWithRandomSearch";
  private readonly settings: {
    metricThreshold?: number;
    maxBootstrappedDemos: number;
    maxLabeledDemos: number;
    maxRounds: number;
    numCandidates: number;
    stopAtScore?: number;
  };

  constructor(private readonly options: RandomSearchOptions) {
    super(options.metric);
    if (typeof options.metric !== "function")
      throw new CompileInputError("random search needs a metric: (example, prediction, trace) => number | boolean");
    this.settings = {
      maxBootstrappedDemos: options.maxBootstrappedDemos ?? 4,
      maxLabeledDemos: options.maxLabeledDemos ?? 16,
      maxRounds: options.maxRounds ?? 1,
      numCandidates: options.numCandidates ?? 16,
      ...(options.metricThreshold !== undefined ? { metricThreshold: options.metricThreshold } : {}),
      ...(options.stopAtScore !== undefined ? { stopAtScore: options.stopAtScore } : {}),
    };
    if (!Number.isInteger(this.settings.maxBootstrappedDemos) || this.settings.maxBootstrappedDemos < 1) {
      throw new CompileInputError(
        `maxBootstrappedDemos must be an integer >= 1 for random search, got ${this.settings.maxBootstrappedDemos}`,
      );
    }
    if (!Number.isInteger(this.settings.numCandidates) || this.settings.numCandidates < 0) {
      throw new CompileInputError(`numCandidates must be an integer >= 0, got ${this.settings.numCandidates}`);
    }
  }

  describeOptions() {
    return {
      ...this.settings,
      ...(this.options.instructions ? { instructions: describeInstructionSearch(this.options.instructions) } : {}),
    };
  }

  protected async optimize<P extends Module>(student: P, data: RunData, ctx: RunContext): Promise<OptimizeOutcome<P>> {
    const valset = data.valset ?? data.trainset;
    const candidates: CandidateScore[] = [];
    let best: { program: P; score: number } | undefined;

    for (let seed = -3; seed < this.settings.numCandidates; seed++) {
      if (ctx.budgetStopped()) break;
      const id = candidateId(seed);
      let program: P | undefined;
      let score: number | undefined;
      const stored = ctx.checkpoint.get<StoredCandidate>("candidates", id);
      if (stored) {
        program = withoutDemos(student).loadState(stored.state);
        score = stored.score;
      } else {
        program = await this.buildCandidate(student, seed, data, ctx);
        if (!program) break; // a budget stopped its bootstrap
        const result = await ctx.evaluate(program, valset, this.options.metric, id);
        if (!result) break; // a budget stopped its evaluation: an incomplete score is not comparable
        score = result.score;
        await ctx.checkpoint.put("candidates", id, { score, state: program.dumpState() } satisfies StoredCandidate);
      }
      candidates.push({ id, score, demos: demoCounts(program) });
      if (!best || score > best.score) best = { program, score };
      if (this.settings.stopAtScore !== undefined && score >= this.settings.stopAtScore) break;
    }

    // Nothing scored (a budget ran out at once): hand back the student without demos, unscored.
    if (!best) return { program: withoutDemos(student), candidates };
    // Without a valset the candidates were scored on the trainset: report the score as such.
    const scored = (score: number) => (data.valset ? { valScore: score } : { trainScore: score });
    if (!this.options.instructions || ctx.budgetStopped()) return { program: best.program, ...scored(best.score), candidates };

    const tuned = await proposeInstructions(
      best.program,
      best.score,
      data.trainset,
      valset,
      this.options.metric,
      this.options.instructions,
      ctx,
      data.seed,
    );
    return { program: tuned.program, ...scored(tuned.score), candidates: [...candidates, ...tuned.candidates] };
  }

  private async buildCandidate<P extends Module>(student: P, seed: number, data: RunData, ctx: RunContext): Promise<P | undefined> {
    const s = this.settings;
    if (seed === -3) return withoutDemos(student);
    if (seed === -2) {
      const program = withoutDemos(student);
      assignLabeledDemos(program, data.trainset, s.maxLabeledDemos, rng(data.seed).fork("labeled"));
      return program;
    }
    let trainset: readonly Example[] = data.trainset;
    let size = s.maxBootstrappedDemos;
    if (seed >= 0) {
      const random = rng(data.seed).fork(`candidate-${seed}`);
      trainset = random.shuffle(data.trainset);
      size = random.int(1, s.maxBootstrappedDemos);
    }
    const settings = {
      metric: this.options.metric,
      ...(s.metricThreshold !== undefined ? { metricThreshold: s.metricThreshold } : {}),
      maxBootstrappedDemos: size,
      maxLabeledDemos: s.maxLabeledDemos,
      maxRounds: s.maxRounds,
    };
    const r = await runBootstrap(student, trainset, settings, ctx, {
      seed: data.seed,
      scope: candidateId(seed),
      ...(data.teacher ? { teacher: data.teacher } : {}),
    });
    return ctx.budgetStopped() ? undefined : r.program;
  }
}

/** Stable candidate names for leaderboards and checkpoints. */
export function candidateId(seed: number): string {
  if (seed === -3) return "zero-shot";
  if (seed === -2) return "labeled";
  if (seed === -1) return "bootstrap";
  return `shuffle-${seed}`;
}
