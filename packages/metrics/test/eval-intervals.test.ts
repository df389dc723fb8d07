// Eval summaries give 95% intervals that count clusters (a trace world's
// questions move together), not records.
import { describe, expect, it } from "vitest";
import { clusteredMean, summarizeEval } from "../src/evals/index.js";

const rec = (id: string, score: number, cluster?: string) => ({ id, category: "c", score, ...(cluster ? { cluster } : {}) });

describe("clustered intervals", () => {
  it("with one record per cluster, is the usual interval of a mean", () => {
    // Five 1s and three 0s: mean 0.625, sample variance (5 * 0.375^2 + 3 * 0.625^2) / 7.
    const scores = [1, 1, 1, 1, 1, 0, 0, 0];
    const m = clusteredMean(scores.map((s, i) => rec(`r${i}`, s)));
    const se = Math.sqrt((5 * 0.375 ** 2 + 3 * 0.625 ** 2) / 7 / 8);
    expect(m.score).toBe(0.625);
    expect(m.clusters).toBe(8);
    expect(m.ci95?.[0]).toBeCloseTo(0.625 - 1.96 * se, 10);
    expect(m.ci95?.[1]).toBeCloseTo(0.625 + 1.96 * se, 10);
  });

  it("is wider when the same scores come from two worlds of four questions each", () => {
    const scores = [1, 1, 1, 1, 1, 0, 0, 0];
    const independent = clusteredMean(scores.map((s, i) => rec(`r${i}`, s)));
    // The same scores, as two worlds of four questions: [1, 1, 1, 1] and [1, 0, 0, 0].
    const worlds = clusteredMean(scores.map((s, i) => rec(`r${i}`, s, i < 4 ? "w1" : "w2")));
    expect(worlds.clusters).toBe(2);
    const width = (m: typeof worlds) => (m.ci95 as [number, number])[1] - (m.ci95 as [number, number])[0];
    expect(width(worlds)).toBeGreaterThan(width(independent));
  });

  it("gives no interval below two clusters, and summarizeEval reports the overall one", () => {
    expect(clusteredMean([rec("a", 1, "w"), rec("b", 0, "w")]).ci95).toBeUndefined();
    const s = summarizeEval("t", [rec("a", 1, "w1"), rec("b", 0, "w2"), rec("c", 1, "w3")]);
    expect(s.clusters).toBe(3);
    expect(s.ci95?.[0]).toBeLessThan(s.score);
  });
});
