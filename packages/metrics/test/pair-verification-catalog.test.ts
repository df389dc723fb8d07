import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPool, type JobRunner } from "@otpforge/beam";
import { catalog, falseFriends, referencePairs } from "@otpforge/otp-signatures";
import { searchSide, verifyCatalog } from "../src/index.js";

// The whole reference catalog, verified on the BEAM: every reference pair
// must be valid and every false friend invalid. K = 2 keeps CI fast; the
// harnesses are written so that the buggy side fails in every run.

let pool: JobRunner & { close(): Promise<void> };
beforeAll(async () => {
  pool = await createPool({ size: 2 });
});
afterAll(async () => {
  await pool?.close();
});

describe("the reference catalog", () => {
  it("verifies every reference pair valid and every false friend invalid", { timeout: 240_000 }, async () => {
    const report = await verifyCatalog(catalog, { runs: 2, pool, concurrency: 6 });
    const summary = report.entries.map((c) => `${c.id}: ${c.verdict.verdict} (${c.verdict.reason})`);
    expect(report.unexpected, summary.join("\n")).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.entries).toHaveLength(referencePairs.length + falseFriends.length);

    for (const c of report.entries.filter((e) => e.kind === "anti-pattern")) {
      expect(c.verdict.verdict, c.id).toBe("valid");
      expect(c.verdict.buggyFailures, c.id).toBeGreaterThanOrEqual(1);
      expect(c.verdict.fixedFailures, c.id).toBe(0);
      expect(c.verdict.fixed.runs, c.id).toBe(2);
      // The pass-to-pass suite ran and held on both versions.
      expect(c.verdict.suite?.buggy.failures, c.id).toBe(0);
      expect(c.verdict.suite?.fixed.failures, c.id).toBe(0);
      expect(c.verdict.suite?.fixed.runs, c.id).toBe(2);
    }
    for (const c of report.entries.filter((e) => e.kind === "false-friend")) {
      expect(c.verdict.verdict, c.id).toBe("invalid");
      // Not refused for a technicality: both versions ran and behaved the same.
      expect(c.verdict.code, c.id).toBe("bug_not_reproduced");
      expect(c.verdict.buggy.runs + c.verdict.fixed.runs, c.id).toBe(4);
    }
  });
});

// The catalog's explore flag (an entry's opt-in to the fix-bug eval's
// interleavings check) is a claim about the BEAM: for run 1's inputs (seed 1,
// what the check searches by default), every interleaving of the reference
// fix is covered within the flag's bound with only :ok, and the buggy code
// fails in one of them. A flag on a harness the explorer cannot cover fails here.
describe("the catalog's explorable entries", () => {
  const flagged = referencePairs.filter((e) => e.explore);

  it("flags only reference pairs, and some", () => {
    expect(flagged.length).toBeGreaterThan(0);
    expect(falseFriends.filter((e) => e.explore)).toEqual([]);
  });

  it(
    "explores each flagged fix completely with only :ok and finds a failing schedule of its buggy code",
    { timeout: 240_000 },
    async () => {
      const problems: string[] = [];
      await Promise.all(
        flagged.map(async (e) => {
          const max = e.explore!.maxSchedules;
          const [fix, buggy] = await Promise.all([
            searchSide(pool, e.fixed, e.harness, max, { seed: 1 }),
            searchSide(pool, e.buggy, e.harness, max, { seed: 1 }),
          ]);
          if (!fix.ran) problems.push(`${e.id}: the fix: ${fix.why}`);
          else if (fix.failing) problems.push(`${e.id}: the fix fails in a schedule (${fix.failing.outcome})`);
          else if (!fix.complete) problems.push(`${e.id}: the fix's search was cut at ${fix.schedules} schedules (bound ${max})`);
          if (!buggy.ran) problems.push(`${e.id}: the buggy code: ${buggy.why}`);
          else if (!buggy.failing) problems.push(`${e.id}: no schedule of the buggy code fails within ${max}`);
        }),
      );
      expect(problems).toEqual([]);
    },
  );
});
