// The trace task end to end on real trace data (answers observed on the BEAM
// in beforeAll), with a test model that only good demos help: split
// discipline, the demo threshold, compiled against zero-shot, and poisoned demos.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createPool, type Pool } from "@otpforge/beam";
import { buildTraceDataset, poolRunner, serializeTraceRecords, type TraceDatasetRecord } from "@otpforge/datasets";
import { scoreTraceAnswer } from "@otpforge/metrics";
import { BootstrapFewShot, LabeledFewShot, compileTaskToDir } from "@otpforge/teleprompters";
import { withSettings, type LMRequest } from "@otpforge/core";
import { traceTask } from "../src/index.js";
import { traceDemoLM, traceMistake } from "../src/testing/index.js";

let pool: Pool;
let records: TraceDatasetRecord[];
let dir: string;
let allSplits: string;
const task = traceTask();
const ofSplit = (s: string) => records.filter((r) => r.split === s);

beforeAll(async () => {
  pool = await createPool({ size: 2 });
  try {
    records = (await buildTraceDataset({ n: 60, seed: "2", runs: 2, questionsPerWorld: 2, runner: poolRunner(pool) })).examples;
  } finally {
    await pool.close();
  }
  dir = mkdtempSync(join(tmpdir(), "otpforge-tasks-"));
  allSplits = join(dir, "traces.jsonl");
  writeFileSync(allSplits, serializeTraceRecords(records));
}, 300_000);
afterAll(async () => {
  await task.close();
});

/** Every prompt the model saw, as one string per request. */
function recording(lm: ReturnType<typeof traceDemoLM>) {
  const seen: string[] = [];
  const generate = lm.generate.bind(lm);
  lm.generate = (r: LMRequest) => {
    seen.push(r.messages.map((m) => m.content).join("\n"));
    return generate(r);
  };
  return seen;
}

describe("the trace task", () => {
  it("has data of every split to work with", () => {
    for (const s of ["train", "dev", "test"]) expect(ofSplit(s).length).toBeGreaterThanOrEqual(4);
  });

  it("compiling from a file of all splits trains on train, validates on dev, never shows the test split, and says so in the artifact", async () => {
    const lm = traceDemoLM(records);
    const prompts = recording(lm);
    const out = await compileTaskToDir(task, {
      trainsetFile: allSplits,
      lm,
      optimizer: "bootstrap",
      maxBootstrappedDemos: 4,
      maxLabeledDemos: 4,
      out: join(dir, "build-splits"),
      scoreBaseline: true,
    });
    expect(out.trainsetSize).toBe(ofSplit("train").length);
    expect(out.valsetSize).toBe(ofSplit("dev").length);
    expect(out.splits).toEqual({ train: "train", val: "dev" });
    expect(out.result.artifact.datasets.trainset.splits).toEqual(["train"]);
    expect(out.result.artifact.datasets.valset?.splits).toEqual(["dev"]);
    expect(prompts.length).toBeGreaterThan(ofSplit("dev").length);
    // No test question, with its timeline, is in any prompt the model was sent.
    const leaked = ofSplit("test").filter((t) => prompts.some((p) => p.includes(t.event_trace) && p.includes(t.question)));
    expect(leaked.map((t) => t.id)).toEqual([]);
  });

  it("refuses the test split for training or validation unless allowed", async () => {
    const base = { trainsetFile: allSplits, lm: traceDemoLM(records), optimizer: "labeled" as const, out: join(dir, "build-test") };
    await expect(compileTaskToDir(task, { ...base, trainSplit: "test" })).rejects.toThrow(
      /test split is for reporting.*--allow-test-split/,
    );
    await expect(compileTaskToDir(task, { ...base, valSplit: "test" })).rejects.toThrow(/--allow-test-split/);
    const testOnly = join(dir, "test-only.jsonl");
    writeFileSync(testOnly, serializeTraceRecords(ofSplit("test")));
    await expect(compileTaskToDir(task, { ...base, trainsetFile: testOnly })).rejects.toThrow(
      /holds no examples of split "train" \(it holds: test \d+\)/,
    );
    const allowed = await compileTaskToDir(task, { ...base, trainSplit: "test", allowTestSplit: true, validate: false });
    expect(allowed.result.artifact.datasets.trainset.splits).toEqual(["test"]);
  });

  it("never keeps a demo whose answer is not exactly right, though the teacher gave partly right ones", async () => {
    const lm = traceDemoLM(records);
    const out = await compileTaskToDir(task, {
      trainsetFile: allSplits,
      lm,
      optimizer: "bootstrap",
      maxBootstrappedDemos: 6,
      maxLabeledDemos: 0,
      validate: false,
      out: join(dir, "build-threshold"),
    });
    const demos = out.result.program.namedPredictors()[0]![1].demos as Array<{ question: string; event_trace: string; prediction: string }>;
    expect(demos.length).toBeGreaterThan(0);
    for (const d of demos) {
      const gold = records.find((r) => r.question === d.question && r.event_trace === d.event_trace)!;
      expect(scoreTraceAnswer(gold.answer, gold.answer_kind, d.prediction).score).toBe(1);
    }
    // Some runs were rejected, among them partly right ones (a list missing its last element).
    const { attempted, passed } = out.result.artifact.scores.bootstrap!;
    expect(attempted).toBeGreaterThan(passed);
    const partly = ofSplit("train").filter((r) => {
      const s = scoreTraceAnswer(r.answer, r.answer_kind, traceMistake({ answer: r.answer, kind: r.family })).score;
      return s > 0 && s < 1;
    });
    expect(partly.length).toBeGreaterThan(0);
  });

  it("compiled beats zero-shot on test, and poisoned demos do not help", async () => {
    const lm = traceDemoLM(records);
    const test = ofSplit("test");
    const compiled = await compileTaskToDir(task, {
      trainsetFile: allSplits,
      lm,
      optimizer: "bootstrap",
      maxBootstrappedDemos: 4,
      maxLabeledDemos: 16,
      out: join(dir, "build-compare"),
    });
    // Poisoned: every labeled demo carries the model's own mistake as its answer.
    const poisonedTrain = ofSplit("train").map((r) => task.toExample({ ...r, answer: traceMistake({ answer: r.answer, kind: r.family }) }));
    const poisoned = await new LabeledFewShot({ k: 16 }).compile(task.program(), { trainset: poisonedTrain, seed: 0 });
    const score = (p: ReturnType<typeof task.program>) => withSettings({ lm }, () => task.evaluate(p, test, { progress: false }));
    const zero = (await score(task.program())).score;
    const tuned = (await score(compiled.result.program as ReturnType<typeof task.program>)).score;
    const bad = (await score(poisoned.program)).score;
    expect(tuned).toBeGreaterThan(zero);
    expect(bad).toBeLessThanOrEqual(zero);
    expect(bad).toBeLessThan(tuned);
  });

  it("a BootstrapFewShot without the task's threshold keeps partly wrong demos (what the threshold prevents)", async () => {
    const lm = traceDemoLM(records);
    const trainset = ofSplit("train").map(task.toExample);
    // A budget as large as the trainset, so every train question is tried
    // (with a small one the bootstrap may fill up on lucky answers first).
    const lax = await new BootstrapFewShot({ metric: task.metric, maxBootstrappedDemos: trainset.length, maxLabeledDemos: 0 }).compile(
      task.program(),
      { trainset, lm },
    );
    const demos = lax.program.predict.demos as Array<{ question: string; event_trace: string; prediction: string }>;
    const wrong = demos.filter((d) => {
      const gold = records.find((r) => r.question === d.question && r.event_trace === d.event_trace)!;
      return scoreTraceAnswer(gold.answer, gold.answer_kind, d.prediction).score < 1;
    });
    expect(wrong.length).toBeGreaterThan(0);
    // The same budget with the task's threshold keeps none of them.
    const strict = await new BootstrapFewShot({
      metric: task.metric,
      metricThreshold: task.metricThreshold,
      maxBootstrappedDemos: trainset.length,
      maxLabeledDemos: 0,
    }).compile(task.program(), { trainset, lm });
    const kept = strict.program.predict.demos as Array<{ question: string; event_trace: string; prediction: string }>;
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBe(demos.length - wrong.length);
  });
});
