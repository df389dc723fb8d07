// `otpforge dataset traces --concurrent K`: concurrent worlds beside the
// sequential ones, their records in F.concurrent.jsonl graded as outcome sets,
// the stats' share of multi-outcome questions, resume, and usage errors.
import { describe, it, expect, beforeAll } from "vitest";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { concurrentTraceExampleSchema } from "@otpforge/datasets";
import { traceAnswer } from "@otpforge/metrics";
import { cli } from "./helpers.js";

const dir = mkdtempSync(join(tmpdir(), "otpforge-dataset-concurrent-"));
const out = join(dir, "traces.jsonl");
const args = ["dataset", "traces", "--n", "3", "--seed", "cli-c", "--out", out, "--families", "final_state", "--concurrent", "3", "--pool-size", "2", "--json"];
let first: { code: number; stdout: string; stderr: string };

beforeAll(async () => {
  first = await cli(args);
}, 180_000);

describe("otpforge dataset traces --concurrent", () => {
  it("writes the concurrent records beside the dataset, each an outcome set the metric reads back as right", () => {
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    const report = JSON.parse(first.stdout);
    expect(report.concurrent).toMatchObject({ complete: true, model: ["single-node"], worlds: { contributing: 3 } });
    expect(typeof report.concurrent.multiOutcomeShare).toBe("number");
    const file = join(dir, "traces.concurrent.jsonl");
    const records = readFileSync(file, "utf8").trim().split("\n").map((l) => concurrentTraceExampleSchema.parse(JSON.parse(l)));
    expect(records.length).toBe(report.concurrent.questions);
    for (const r of records) {
      expect(r.answer_kind).toBe("outcome_set");
      expect(traceAnswer(r, r.answer).score).toBe(1);
      expect(r.exploration.witnesses.length).toBeGreaterThan(0);
    }
    expect(JSON.parse(readFileSync(join(dir, "traces.stats.json"), "utf8")).concurrent.questions).toBe(records.length);
    expect(existsSync(`${file}.partial`)).toBe(false);
  });

  it("completes nothing twice: a second run keeps the same files", async () => {
    const before = readFileSync(join(dir, "traces.concurrent.jsonl"), "utf8");
    const again = await cli(args);
    expect(again.code).toBe(0);
    expect(readFileSync(join(dir, "traces.concurrent.jsonl"), "utf8")).toBe(before);
  }, 60_000);

  it("says what to do on bad options", async () => {
    const r = await cli(["dataset", "traces", "--seed", "x", "--out", join(dir, "u.jsonl"), "--max-schedules", "10"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--max-schedules bounds the exploration of concurrent worlds: pass --concurrent K/);
    const other = await cli(["dataset", "traces", "--n", "3", "--seed", "other", "--out", out, "--families", "final_state", "--concurrent", "3"]);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/generated with seed cli-c/);
  });
});
