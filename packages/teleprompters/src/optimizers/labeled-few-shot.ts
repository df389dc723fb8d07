import { rng, type Metric, type Module } from "@otpforge/core";
import { assignLabeledDemos, withoutDemos } from "./demos.js";
import { Teleprompter, type OptimizeOutcome, type RunData } from "./teleprompter.js";

export interface LabeledFewShotOptions {
  /** Demos per predictor. Default 16. */
  k?: number;
  /** Seeded sample (default) or the first k examples. */
  sample?: boolean;
  /** Optional: with a valset, scores the result. */
  metric?: Metric;
}

/** k labeled trainset examples as demos for every predictor; no LM calls. */
export class LabeledFewShot extends Teleprompter {
  readonly name = "LabeledFewShot";
  readonly k: number;
  readonly sample: boolean;

  constructor(options: LabeledFewShotOptions = {}) {
    super(options.metric);
    this.k = options.k ?? 16;
    this.sample = options.sample ?? true;
    if (!Number.isInteger(this.k) || this.k < 0) throw new RangeError(`LabeledFewShot k must be an integer >= 0, got ${this.k}`);
  }

  describeOptions() {
    return { k: this.k, sample: this.sample };
  }

  protected async optimize<P extends Module>(student: P, data: RunData): Promise<OptimizeOutcome<P>> {
    const program = withoutDemos(student);
    assignLabeledDemos(program, data.trainset, this.k, rng(data.seed).fork("labeled"), this.sample);
    return { program, candidates: [] };
  }
}
