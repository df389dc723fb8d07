import { rng, type Example, type Metric, type Module } from "@otpforge/core";
import type { Demo } from "../artifact/schema.js";
import type { RunContext } from "../run/run-context.js";
import { bootstrapExample, type ExampleOutcome } from "./bootstrap/bootstrap-example.js";
import { orderedSearch } from "./bootstrap/ordered-search.js";
import { assignLabeledDemos, projectDemo, withoutDemos } from "./demos.js";
import { CompileInputError, Teleprompter, type OptimizeOutcome, type RunData } from "./teleprompter.js";

export interface BootstrapFewShotOptions {
  metric: Metric;
  /** Accept a trace when the metric is >= this; default: any score above 0 (as DSPy). */
  metricThreshold?: number;
  /** Bootstrapped (model-written, metric-checked) demos per predictor. Default 4. */
  maxBootstrappedDemos?: number;
  /** Total demos per predictor; labeled examples fill what bootstrapping left. Default 16. */
  maxLabeledDemos?: number;
  /** Tries per trainset example. Default 1. */
  maxRounds?: number;
}

export interface BootstrapResult<P extends Module> {
  program: P;
  attempted: number;
  passed: number;
}

/**
 * DSPy's BootstrapFewShot: a teacher runs on the trainset in order; every run
 * the metric accepts becomes one demo per predictor (inputs and outputs from
 * the trace), until maxBootstrappedDemos examples passed. Each predictor then
 * gets those demos plus labeled examples (a seeded sample of the trainset
 * examples that were not bootstrapped) up to maxLabeledDemos.
 */
export class BootstrapFewShot extends Teleprompter {
  readonly name = "BootstrapFewShot";
  readonly settings: Required<Omit<BootstrapFewShotOptions, "metric" | "metricThreshold">> & { metricThreshold?: number };

  constructor(private readonly options: BootstrapFewShotOptions) {
    super(options.metric);
    if (typeof options.metric !== "function")
      throw new CompileInputError("BootstrapFewShot needs a metric: (example, prediction, trace) => number | boolean");
    this.settings = {
      maxBootstrappedDemos: options.maxBootstrappedDemos ?? 4,
      maxLabeledDemos: options.maxLabeledDemos ?? 16,
      maxRounds: options.maxRounds ?? 1,
      ...(options.metricThreshold !== undefined ? { metricThreshold: options.metricThreshold } : {}),
    };
    for (const key of ["maxBootstrappedDemos", "maxLabeledDemos"] as const) {
      const v = this.settings[key];
      if (!Number.isInteger(v) || v < 0) throw new CompileInputError(`${key} must be an integer >= 0, got ${v}`);
    }
    if (!Number.isInteger(this.settings.maxRounds) || this.settings.maxRounds < 1) {
      throw new CompileInputError(`maxRounds must be an integer >= 1, got ${this.settings.maxRounds}`);
    }
  }

  describeOptions() {
    return { ...this.settings };
  }

  protected async optimize<P extends Module>(student: P, data: RunData, ctx: RunContext): Promise<OptimizeOutcome<P>> {
    const r = await runBootstrap(student, data.trainset, { ...this.settings, metric: this.options.metric }, ctx, {
      seed: data.seed,
      scope: "bootstrap",
      ...(data.teacher ? { teacher: data.teacher } : {}),
    });
    return { program: r.program, bootstrap: { attempted: r.attempted, passed: r.passed }, candidates: [] };
  }
}

export interface BootstrapRunSettings {
  metric: Metric;
  metricThreshold?: number;
  maxBootstrappedDemos: number;
  maxLabeledDemos: number;
  maxRounds: number;
}

/** The bootstrap procedure itself, shared with random search (one `scope` per candidate in the checkpoint). */
export async function runBootstrap<P extends Module>(
  student: P,
  trainset: readonly Example[],
  settings: BootstrapRunSettings,
  ctx: RunContext,
  run: { seed: number; scope: string; teacher?: Module },
): Promise<BootstrapResult<P>> {
  const random = rng(run.seed).fork(run.scope);
  const teacher = prepareTeacher(student, run.teacher, trainset, settings.maxLabeledDemos, random.fork("teacher"));
  const section = `${run.scope}:examples`;

  const { decided } = await orderedSearch<ExampleOutcome>({
    count: trainset.length,
    maxSuccesses: settings.maxBootstrappedDemos,
    concurrency: ctx.searchConcurrency,
    maxErrors: ctx.maxErrors,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    attempt: (i) => bootstrapExample(teacher, trainset[i]!, settings, ctx),
    stored: (i) => ctx.checkpoint.get<ExampleOutcome>(section, i),
    record: (i, outcome) => ctx.checkpoint.put(section, i, outcome),
    onProgress: (finished) => ctx.report({ phase: "bootstrap", candidate: run.scope, done: finished, total: trainset.length }),
  });

  // Traces per predictor, in trainset order.
  const bootstrapped = new Set<number>();
  const traces = new Map<string, Demo[]>();
  for (const { index, outcome } of decided) {
    if (!outcome.success) continue;
    bootstrapped.add(index);
    for (const [name, demo] of Object.entries(outcome.demos ?? {})) {
      const list = traces.get(name) ?? [];
      list.push(demo);
      traces.set(name, list);
    }
  }

  const program = withoutDemos(student);
  const unbootstrapped = trainset.filter((_, i) => !bootstrapped.has(i));
  const fill = random.fork("labeled-fill");
  for (const [name, predictor] of program.namedPredictors()) {
    const augmented = (traces.get(name) ?? []).slice(0, settings.maxBootstrappedDemos);
    const room = Math.max(0, Math.min(settings.maxLabeledDemos - augmented.length, unbootstrapped.length));
    const labeled = fill.sample(unbootstrapped, room).map((e) => projectDemo(e.data as Demo, predictor));
    predictor.demos = [...augmented, ...labeled];
  }
  return { program, attempted: decided.length, passed: bootstrapped.size };
}

/**
 * The teacher: the given one (or a copy of the student), primed with labeled
 * demos unless it already has demos of its own (then it counts as compiled,
 * as in DSPy). It must have the student's predictors and signatures.
 */
function prepareTeacher(
  student: Module,
  given: Module | undefined,
  trainset: readonly Example[],
  maxLabeled: number,
  random: ReturnType<typeof rng>,
): Module {
  const teacher = (given ?? student).clone();
  const mine = student.namedPredictors();
  const theirs = teacher.namedPredictors();
  const names = (list: typeof mine) => list.map(([n]) => n).join(", ");
  if (mine.length !== theirs.length || mine.some(([n], i) => theirs[i]![0] !== n)) {
    throw new CompileInputError(`the teacher must have the student's predictors (student: ${names(mine)}; teacher: ${names(theirs)})`);
  }
  mine.forEach(([n, p], i) => {
    if (p.signature.hash() !== theirs[i]![1].signature.hash())
      throw new CompileInputError(`the teacher's predictor "${n}" has a different signature from the student's`);
  });
  const compiled = given !== undefined && theirs.some(([, p]) => p.demos.length > 0);
  if (!compiled && maxLabeled > 0) {
    for (const [, p] of theirs) p.demos = [];
    assignLabeledDemos(teacher, trainset, maxLabeled, random);
  }
  return teacher;
}
