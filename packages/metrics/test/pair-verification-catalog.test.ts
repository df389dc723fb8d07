import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPool, type JobRunner } from "@otpforge/beam";
import { catalog, falseFriends, referencePairs } from "@otpforge/otp-signatures";
import { verifyCatalog } from "../src/index.js";

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
