// `otpforge dataset traces --concurrent-share S`: concurrent worlds' records
// after the sequential ones in one file, graded as outcome sets, the stats'
// share of multi-outcome questions, resume, and usage errors.
import { describe, it, expect, beforeAll } from "vitest";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isConcurrentRecord, parseTraceRecords } from "@otpforge/datasets";
import { traceAnswer } from "@otpforge/metrics";
import { cli } from "./helpers.js";

const dir = mkdtempSync(join(tmpdir(), "otpforge-dataset-concurrent-"));
const out = join(dir, "traces.jsonl");
// 6 examples, half from concurrent worlds.
const args = [
  "dataset",
  "traces",
  "--n",
  "6",
  "--seed",
  "cli-c",
  "--out",
  out,
  "--families",
  "final_state",
  "--concurrent-share",
  "0.5",
  "--pool-size",
  "2",
  "--json",
];
let first: { code: number; stdout: string; stderr: string };

beforeAll(async () => {
  first = await cli(args);
}, 180_000);

describe("otpforge dataset traces --concurrent-share", () => {
  it("writes sequential then concurrent records to one file, each concurrent one an outcome set the metric reads back as right", () => {
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    const report = JSON.parse(first.stdout);
    expect(report.concurrent).toMatchObject({ questions: 3, model: ["single-node"] });
    expect(typeof report.concurrent.multiOutcomeShare).toBe("number");
    const records = parseTraceRecords(readFileSync(out, "utf8"), out);
    expect(records.map((r) => isConcurrentRecord(r))).toEqual([false, false, false, true, true, true]);
    for (const r of records.filter(isConcurrentRecord)) {
      expect(r.answer_kind).toBe("outcome_set");
      expect(traceAnswer(r, r.answer).score).toBe(1);
      expect(r.exploration.witnesses.length).toBeGreaterThan(0);
    }
    const stats = JSON.parse(readFileSync(join(dir, "traces.stats.json"), "utf8"));
    expect(stats.concurrent.questions).toBe(3);
    expect(stats.examples).toBe(3);
    expect(existsSync(`${out}.partial`)).toBe(false);
  });

  it("completes nothing twice: a second run keeps the same file", async () => {
    const before = readFileSync(out, "utf8");
    const again = await cli(args);
    expect(again.code).toBe(0);
    expect(readFileSync(out, "utf8")).toBe(before);
  }, 60_000);

  it("says what to do on bad options", async () => {
    const r = await cli([
      "dataset",
      "traces",
      "--seed",
      "x",
      "--out",
      join(dir, "u.jsonl"),
      "--concurrent-share",
      "0",
      "--max-schedules",
      "10",
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--max-schedules bounds the exploration of concurrent worlds: with --concurrent-share 0 there are none/);
    const share = await cli(["dataset", "traces", "--seed", "x", "--out", join(dir, "v.jsonl"), "--concurrent-share", "half"]);
    expect(share.code).toBe(2);
    expect(share.stderr).toMatch(/--concurrent-share must be a number from 0 to 1/);
    const other = await cli([
      "dataset",
      "traces",
      "--n",
      "6",
      "--seed",
      "other",
      "--out",
      out,
      "--families",
      "final_state",
      "--concurrent-share",
      "0.5",
    ]);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/generated with seed cli-c/);
    const otherShare = await cli([
      "dataset",
      "traces",
      "--n",
      "6",
      "--seed",
      "cli-c",
      "--out",
      out,
      "--families",
      "final_state",
      "--concurrent-share",
      "0.25",
    ]);
    expect(otherShare.code).toBe(2);
    expect(otherShare.stderr).toMatch(/generated with --concurrent-share 0.5, not --concurrent-share 0.25/);
  });
});
