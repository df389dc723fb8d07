// runExploreBench on two systems of the reference suite: both searches run,
// the reduction runs no more schedules than naive enumeration, and both find
// the outcomes derived by hand. No timing is asserted (figures go into BENCHMARKS.md).
import { describe, expect, it } from "vitest";
import { EXPLORE_SUITE, runExploreBench } from "@otpforge/beam";

describe("runExploreBench", () => {
  it("explores each system reduced and naive, and reports schedules, times and whether the outcomes agree", async () => {
    const systems = EXPLORE_SUITE.filter(
      (s) => s.name === "client-side get then set, two clients" || s.name === "one sender's two messages",
    );
    const seen: number[] = [];
    const r = await runExploreBench({ systems, repeat: 1, onProgress: (done, total) => seen.push(done / total) });
    expect(seen).toEqual([0.5, 1]);
    expect(r).toMatchObject({ model: "single-node", repeat: 1 });
    expect(r.machine.cores).toBeGreaterThan(0);
    expect(r.rows.map((row) => row.system)).toEqual(systems.map((s) => s.name));
    for (const [i, row] of r.rows.entries()) {
      expect(row.sameOutcomes).toBe(true);
      expect(row.outcomes).toBe(systems[i]!.outcomes.length);
      expect(row.naive.complete).toBe(true);
      expect(row.reduced.schedules).toBeLessThanOrEqual(row.naive.schedules);
      expect(row.reduced.ms).toBeGreaterThan(0);
    }
  }, 120_000);
});
