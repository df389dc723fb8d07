// Tune a trace predictor: build a small dataset whose answers were observed on
// a real BEAM, compile the ready-made TraceProgram with BootstrapFewShot on the
// train split, and compare zero-shot and compiled on the held-out test split,
// question family by question family.
//
//   OTPFORGE_LM=openai/gpt-5-mini pnpm --filter @otpforge/example-tune-trace-prediction start
import { realpathSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { LMConfigError, ProgressBar, noModelMessage, lm as makeLM, writeFileAtomicSync, withSettings, type LM } from "@otpforge/core";
import { createPool } from "@otpforge/beam";
import { buildTraceDataset, poolRunner, serializeTraceRecords, type TraceDatasetRecord } from "@otpforge/datasets";
import { TraceProgram } from "@otpforge/otp-signatures";
import type { ReasoningEvalResult } from "@otpforge/metrics";
import { traceTask } from "@otpforge/tasks";
import { BootstrapFewShot, renderPrompts, writeArtifactDir } from "@otpforge/teleprompters";

export interface TuneOptions {
  /** provider/model, e.g. "openai/gpt-5-mini"; default: the OTPFORGE_LM variable. */
  lm?: string;
  /** Trace examples to build (default 60). */
  n?: number;
  /** Dataset seed: the same seed gives the same examples (default "1"). */
  seed?: string;
  /** Times each world is run on the BEAM; worlds whose runs disagree are dropped (default 3). */
  runs?: number;
  /** Output folder (default out/tune-trace-prediction under the current directory). */
  out?: string;
  log?: (line: string) => void;
}

export interface TuneResult {
  datasetPath: string;
  examples: TraceDatasetRecord[];
  zeroShot: ReasoningEvalResult;
  compiled: ReasoningEvalResult;
  artifactPath: string;
  program: TraceProgram;
}

/** The command was used wrongly: the CLI prints the message and exits 2. */
export class UsageError extends Error {}

/** No model was given. */
export class NoModelError extends UsageError {
  constructor() {
    super(noModelMessage());
    this.name = "NoModelError";
  }
}

export async function main(options: TuneOptions = {}): Promise<TuneResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const spec = options.lm ?? process.env.OTPFORGE_LM;
  // Check the model before the BEAM work, so a missing one fails at once.
  if (!spec) throw new NoModelError();
  const model: LM = makeLM(spec);
  const n = options.n ?? 60;
  const out = resolve(options.out ?? "out/tune-trace-prediction");

  // 1. The dataset. Each world (a few GenServers and a timeline) runs `runs`
  // times in the sandbox pool; an answer is kept only when every run agrees.
  // Two questions per world give more distinct worlds, and the train/dev/test
  // split is decided per world structure, so no near-duplicate crosses splits.
  log(`Building ${n} execution-verified trace examples on the BEAM...`);
  const pool = await createPool({ size: 2 });
  let examples: TraceDatasetRecord[];
  try {
    const bar = new ProgressBar({ total: n, label: "trace examples" });
    const built = await buildTraceDataset({
      n,
      seed: options.seed ?? "1",
      runs: options.runs ?? 3,
      questionsPerWorld: 2,
      runner: poolRunner(pool),
      onProgress: (p) => bar.update(p.examples, `${p.worlds} worlds`),
    });
    bar.finish();
    examples = built.examples;
  } finally {
    await pool.close(); // the rest needs no BEAM: traceAnswer compares terms in TypeScript
  }
  const datasetPath = join(out, "traces.jsonl");
  writeFileAtomicSync(datasetPath, serializeTraceRecords(examples));
  const train = examples.filter((e) => e.split === "train");
  const test = examples.filter((e) => e.split === "test");
  log(`wrote ${datasetPath}: ${train.length} train, ${examples.length - train.length - test.length} dev, ${test.length} test`);
  if (test.length === 0) throw new Error(`the test split is empty with n=${n}: build more examples (--n ${2 * n}) or try another --seed`);

  // 2. Compile. The observed `answer` is the label of the `prediction` output,
  // and the record's step-by-step `reasoning` (written from the observed
  // events) that of `reasoning`: with both, labeled demos are complete examples.
  // The trace task (@otpforge/tasks) is the one `otpforge compile trace` uses: its metric is
  // traceAnswer with threshold 1, so a partly right run never becomes a demo.
  const task = traceTask();
  const trainset = train.map(task.toExample);
  const optimizer = new BootstrapFewShot({
    metric: task.metric,
    metricThreshold: task.metricThreshold,
    maxBootstrappedDemos: 4,
    maxLabeledDemos: 4,
  });
  log(`Compiling TraceProgram with BootstrapFewShot on ${train.length} train examples (model ${model.id})...`);
  const { program, artifact } = await optimizer.compile(new TraceProgram(), {
    trainset,
    lm: model,
    seed: 0,
    name: "trace-predictor",
    budget: { maxLMCalls: 200 }, // a guard against surprises on a paid API
  });

  // 3. Evaluate both programs on the test split, which compiling never saw.
  log(`Evaluating zero-shot and compiled TraceProgram on ${test.length} test examples...`);
  const evalOn = (p: TraceProgram) =>
    withSettings({ lm: model }, () => task.evaluate(p, test, { progress: false })) as Promise<ReasoningEvalResult>;
  const zeroShot = await evalOn(new TraceProgram());
  const compiled = await evalOn(program);
  log("");
  log(comparisonTable(zeroShot, compiled));

  // 4. Save the compiled program (and its prompts, for use from other languages).
  const artifactPath = await writeArtifactDir(join(out, "artifact"), artifact, renderPrompts(program));
  log(`\nsaved ${artifactPath} (${program.predict.demos.length} demos)`);
  return { datasetPath, examples, zeroShot, compiled, artifactPath, program };
}

/** One row per question family, then the overall score. */
export function comparisonTable(zeroShot: ReasoningEvalResult, compiled: ReasoningEvalResult): string {
  const pct = (x: number | undefined) => (x === undefined ? "-" : `${(100 * x).toFixed(0)}%`);
  const families = [...new Set([...Object.keys(zeroShot.byCategory), ...Object.keys(compiled.byCategory)])].sort();
  const rows = [
    ["family", "n", "zero-shot", "compiled"],
    ...families.map((f) => [
      f,
      String(compiled.byCategory[f]?.n ?? zeroShot.byCategory[f]?.n ?? 0),
      pct(zeroShot.byCategory[f]?.score),
      pct(compiled.byCategory[f]?.score),
    ]),
    ["overall", String(compiled.n), pct(zeroShot.score), pct(compiled.score)],
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  ")).join("\n");
}

// Run from the command line (importing this file, as the test does, runs nothing).
if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  const count = (name: string, v: string | undefined) => {
    if (v === undefined) return {};
    if (!/^[1-9]\d*$/.test(v)) throw new UsageError(`--${name} must be a positive whole number, got "${v}" (e.g. --${name} 40)`);
    return { [name]: Number(v) };
  };
  Promise.resolve()
    .then(() => {
      const { values } = parseArgs({
        options: {
          lm: { type: "string" },
          n: { type: "string" },
          seed: { type: "string" },
          runs: { type: "string" },
          out: { type: "string" },
        },
      });
      return main({
        ...(values.lm ? { lm: values.lm } : {}),
        ...(values.seed ? { seed: values.seed } : {}),
        ...(values.out ? { out: values.out } : {}),
        ...count("n", values.n),
        ...count("runs", values.runs),
      });
    })
    .catch((err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      // 2: the command was used wrongly (no model, a bad model spec or key, a bad flag); 1: the work failed.
      const usage =
        err instanceof UsageError || err instanceof LMConfigError || String((err as { code?: unknown }).code).startsWith("ERR_PARSE_ARGS");
      process.exitCode = usage ? 2 : 1;
    });
}
