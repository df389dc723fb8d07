import type { MetricValue } from "@otpforge/core";

/** The number a metric value stands for (true = 1, false = 0, { score } = score). */
export function metricScore(value: MetricValue): number {
  const raw = typeof value === "object" && value !== null ? value.score : value;
  const score = typeof raw === "boolean" ? (raw ? 1 : 0) : raw;
  if (typeof score !== "number" || !Number.isFinite(score)) {
    throw new TypeError(`the metric returned ${JSON.stringify(value)}; return a finite number, a boolean, or { score, feedback }`);
  }
  return score;
}

/**
 * Whether a bootstrapped trace is good enough to become a demo. As in DSPy:
 * with a threshold, score >= threshold; without one, any truthy score (so a
 * partial-credit metric accepts partial answers unless a threshold is set).
 */
export function passes(value: MetricValue, threshold: number | undefined): boolean {
  const score = metricScore(value);
  return threshold !== undefined ? score >= threshold : score > 0;
}
