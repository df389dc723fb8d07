// The demo's model half: compile the trace predictor with BootstrapFewShot on
// the train split, evaluate zero-shot and compiled programs on the test split,
// publish the artifact and write the HTML report.
import { join } from "node:path";
import { withSettings, writeFileAtomicSync, writeReport, type LM, type ReportInput } from "@otpforge/core";
import { evalReportInput, type ReasoningEvalResult } from "@otpforge/metrics";
import { compileTaskToDir, publish, renderPrompts } from "@otpforge/teleprompters";
import { serializeTraceRecords, type TraceDatasetRecord } from "@otpforge/datasets";
import { traceTask } from "../trace.js";
import type { DemoHooks } from "./demo-events.js";
import type { DemoProgressBar } from "./demo-progress.js";

/** The dataset is too small for the model steps (splits are decided per world, so tiny sets can miss one). */
export class DemoDataError extends Error {
  // The code and category the CLI maps (see OtpforgeError in @otpforge/core).
  readonly code = "DEMO_DATA";
  readonly category = "input" as const;
  constructor(message: string) {
    super(message);
    this.name = "DemoDataError";
  }
}

export interface ModelStepsOptions {
  lm: LM;
  examples: TraceDatasetRecord[];
  dataDir: string;
  /** Where published artifacts go (a registry folder). */
  artifactsDir: string;
  reportPath: string;
  seed: number;
  /** Examples of dev (scoring the compiled program) and of test (the comparison) used at most. */
  evalN: number;
}

export interface ModelStepsResult {
  zeroShot: ReasoningEvalResult;
  compiled: ReasoningEvalResult;
  published: { name: string; version: string; path: string };
  reportPath: string;
  lmCalls?: number;
}

export async function runModelSteps(o: ModelStepsOptions, io: Required<DemoHooks>): Promise<ModelStepsResult> {
  const task = traceTask();
  const pick = (split: string) => o.examples.filter((e) => e.split === split);
  const devFile = join(o.dataDir, "dev.demo.jsonl");
  writeFileAtomicSync(devFile, serializeTraceRecords(pick("dev").slice(0, o.evalN)));
  const test = pick("test").slice(0, o.evalN);
  if (test.length === 0 || pick("dev").length === 0) {
    throw new DemoDataError(
      `the dataset has ${pick("dev").length} dev and ${pick("test").length} test examples: too few to compile and compare. Rerun with a larger --n (e.g. --n 300).`,
    );
  }

  io.onEvent({ kind: "compile-start", lm: o.lm.id });
  // One bar per optimizer phase (bootstrap, then scoring on dev).
  let bar: { phase: string; bar: DemoProgressBar } | undefined;
  const compiled = await compileTaskToDir(task, {
    trainsetFile: join(o.dataDir, "train.jsonl"),
    valsetFile: devFile,
    optimizer: "bootstrap",
    lm: o.lm,
    seed: o.seed,
    maxBootstrappedDemos: 4,
    maxLabeledDemos: 4,
    scoreBaseline: true,
    out: join(o.dataDir, "build"),
    onProgress: (e) => {
      if (bar?.phase !== e.phase) {
        bar?.bar.finish();
        bar = { phase: e.phase, bar: io.progress(`compile: ${e.phase}`, e.total) };
      }
      bar.bar.update(e.done);
    },
  });
  bar?.bar.finish();

  io.onEvent({ kind: "eval-start", examples: test.length });
  const zeroShot = await evalWithBar(task, task.program(), test, o, io, "zero-shot");
  const tuned = await evalWithBar(task, compiled.result.program as ReturnType<typeof task.program>, test, o, io, "compiled");

  const pub = await publish(compiled.artifactPath, { to: o.artifactsDir });
  // The eval report of the compiled program with zero-shot as its baseline: per family and difficulty,
  // confusion tables, diffs and each failure's model run. The candidates were scored on dev, the comparison on test.
  const report: ReportInput = evalReportInput(tuned, {
    title: "otpforge demo: trace prediction",
    split: "test",
    label: "compiled",
    baseline: { label: "zero-shot", result: zeroShot },
    meta: {
      model: o.lm.id,
      optimizer: "BootstrapFewShot",
      seed: o.seed,
      "test examples": test.length,
      artifact: `${pub.name}@${pub.version}`,
    },
    candidates: compiled.result.leaderboard.map((c) => ({ label: c.id, score: c.score, split: "dev" })),
    prompts: Object.values(renderPrompts(compiled.result.program)).map((p) => ({ predictor: p.predictor, messages: p.messages })),
  });
  writeReport(o.reportPath, report);
  return { zeroShot, compiled: tuned, published: { name: pub.name, version: pub.version, path: pub.path }, reportPath: o.reportPath };
}

async function evalWithBar(
  task: ReturnType<typeof traceTask>,
  program: Parameters<ReturnType<typeof traceTask>["evaluate"]>[0],
  test: TraceDatasetRecord[],
  o: ModelStepsOptions,
  io: Required<DemoHooks>,
  label: string,
) {
  const bar = io.progress(label, test.length);
  const r = await withSettings({ lm: o.lm }, () =>
    task.evaluate(program, test, { concurrency: 8, progress: false, onProgress: (p) => bar.update(p.done) }),
  );
  bar.finish();
  return r as ReasoningEvalResult;
}
