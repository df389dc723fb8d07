// What a predictor returns: typed outputs plus where they came from.
import { ZERO_USAGE, type Usage } from "./lm/types.js";

export interface PredictionMeta {
  /** The LM's text that the outputs were parsed from (last attempt). */
  raw: string;
  /** provider/model that answered. */
  lm: string;
  /** Token usage summed over every attempt (parse retries included). */
  usage?: Usage;
  /** LM calls made, 1 unless the first answer could not be parsed. */
  attempts?: number;
  cacheHit?: boolean;
  costUSD?: number;
}

export class Prediction<O = Record<string, unknown>> {
  readonly outputs: O;
  readonly raw: string;
  readonly lm: string;
  readonly usage: Usage;
  readonly attempts: number;
  readonly cacheHit: boolean;
  readonly costUSD: number | undefined;

  constructor(outputs: O, meta: PredictionMeta) {
    this.outputs = outputs;
    this.raw = meta.raw;
    this.lm = meta.lm;
    this.usage = meta.usage ?? ZERO_USAGE;
    this.attempts = meta.attempts ?? 1;
    this.cacheHit = meta.cacheHit ?? false;
    this.costUSD = meta.costUSD;
  }

  /** Plain JSON view (for logs, artifacts, reports). */
  toJSON() {
    return { outputs: this.outputs, raw: this.raw, lm: this.lm, usage: this.usage, attempts: this.attempts, cacheHit: this.cacheHit };
  }
}
