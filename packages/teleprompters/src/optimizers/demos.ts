import { hashValue, stableStringify, type Example, type Module, type Rng } from "@otpforge/core";
import type { Demo } from "../artifact/schema.js";

type AnyPredictor = ReturnType<Module["namedPredictors"]>[number][1];

/**
 * A labeled example as a demo for one predictor: only the keys its signature
 * has. Datasets carry extra keys (ids, provenance, replay scripts) that would
 * bloat prompts and artifacts without telling the model anything.
 */
export function projectDemo(data: Record<string, unknown>, predictor: AnyPredictor): Demo {
  const out: Demo = {};
  for (const name of [...predictor.signature.inputNames, ...predictor.signature.outputNames]) {
    if (Object.hasOwn(data, name) && data[name] !== undefined) out[name] = data[name];
  }
  return out;
}

/** Whether `demo` is this example (whole, or as projected for this predictor). */
export function isDemoOf(demo: Demo, example: Example, predictor: AnyPredictor): boolean {
  const text = stableStringify(demo);
  return text === stableStringify(example.data) || text === stableStringify(projectDemo(example.data as Demo, predictor));
}

/** Stable identity of a dataset: its data and which keys are inputs, in order. */
export function datasetHash(examples: readonly Example[]): string {
  return hashValue(examples.map((e) => ({ data: e.data, inputs: e.inputKeys ?? null })));
}

/**
 * Seeded labeled demos: per predictor (in namedPredictors order) a sample of
 * k examples drawn with one generator, as DSPy's LabeledFewShot does; with
 * `sample: false`, the first k.
 */
export function assignLabeledDemos(program: Module, trainset: readonly Example[], k: number, random: Rng, sample = true): void {
  for (const [, predictor] of program.namedPredictors()) {
    const n = Math.min(k, trainset.length);
    const chosen = sample ? random.sample(trainset, n) : trainset.slice(0, n);
    predictor.demos = chosen.map((e) => projectDemo(e.data as Demo, predictor));
  }
}

/** A clone with every predictor's demos removed (instructions kept, unlike Module.resetCopy). */
export function withoutDemos<P extends Module>(program: P): P {
  const copy = program.clone();
  for (const [, predictor] of copy.namedPredictors()) predictor.demos = [];
  return copy;
}

/** Demos per predictor name, for leaderboards. */
export function demoCounts(program: Module): Record<string, number> {
  return Object.fromEntries(program.namedPredictors().map(([name, p]) => [name, p.demos.length]));
}
