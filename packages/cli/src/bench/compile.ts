// `otpforge bench compile`: otpforge's BootstrapFewShot against Ax's
// AxBootstrapFewShot on the same fake server, data and metric. The measuring
// is @otpforge/teleprompters' runCompileBench (which loads the optional peer
// @ax-llm/ax); this parses the options and prints the table.
import { COMPILE_BENCH_SETUP, runCompileBench, type CompileBenchResult } from "@otpforge/teleprompters";
import { intOption, parseVerbArgs } from "../args.js";
import { EXIT_OK, UsageError, type CliIO } from "../verb.js";

type CompileBenchRow = CompileBenchResult["rows"][number];
type Stats = CompileBenchRow["wallMs"];
const { axVersion: AX_VERSION, demos: DEMOS, valset: VALSET, maxTrainset: MAX_TRAINSET } = COMPILE_BENCH_SETUP;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

export const compileBench = {
  name: "compile",
  summary:
    "otpforge BootstrapFewShot (concurrency 1 and N) vs Ax AxBootstrapFewShot, same teacher, on a fake server charging per prompt token",
  help: `Usage: otpforge bench compile [--latency-ms N] [--us-per-prompt-token N] [--trainset N] [--concurrency N] [--repeat N] [--json]

Starts a fake OpenAI-compatible server that answers each call after
--latency-ms (default 200) plus --us-per-prompt-token microseconds per prompt
token (default 250, i.e. 0.25 ms; tokens estimated as 4 characters), and
compiles one spelling task for ${DEMOS} demos from --trainset examples (default 32,
at most ${MAX_TRAINSET}) with:
  - otpforge BootstrapFewShot at concurrency 1 and at --concurrency (default 8),
    each with Ax's teacher (every other trainset example as a demo) and with
    otpforge's default teacher (${DEMOS} labeled demos);
  - Ax ${AX_VERSION} AxBootstrapFewShot, which has no concurrency setting.
Each of --repeat rounds (default 5) draws a fresh set of words the fake model
knows, runs Ax, then otpforge's rows (rotated) on the trainset in the order Ax
visited it, so at concurrency 1 both try the same examples. The server counts each compile's LM calls, prompt
tokens and demos per call. Prints per row the median and range of compile wall
time, calls, prompt tokens and charged LM time, the demos kept and the val
score on ${VALSET} held-out examples, then the time to the same val score and
where the differences come from.

Examples:
  otpforge bench compile
  otpforge bench compile --repeat 10 --us-per-prompt-token 0
  otpforge bench compile --json`,
  async run(argv: string[], io: CliIO): Promise<number> {
    const { values } = parseVerbArgs(
      "bench compile",
      argv,
      {
        "latency-ms": { type: "string" },
        "us-per-prompt-token": { type: "string" },
        trainset: { type: "string" },
        concurrency: { type: "string" },
        repeat: { type: "string" },
      },
      false,
    );
    const trainset = intOption(values.trainset, "trainset", 32, 16);
    if (trainset > MAX_TRAINSET) throw new UsageError(`--trainset must be at most ${MAX_TRAINSET}, got "${values.trainset}"`);
    const result = await runCompileBench({
      latencyMs: intOption(values["latency-ms"], "latency-ms", 200, 0),
      usPerPromptToken: intOption(values["us-per-prompt-token"], "us-per-prompt-token", 250, 0),
      trainset,
      concurrency: intOption(values.concurrency, "concurrency", 8, 2),
      repeat: intOption(values.repeat, "repeat", 5),
    });
    if (values.json) io.stdout(JSON.stringify(result) + "\n");
    else io.stdout(formatCompileBench(result));
    return EXIT_OK;
  },
};

const secs = (ms: number) => (ms / 1000).toFixed(2);
const range = (s: Stats, f: (x: number) => string = String) => `${f(s.median)} (${f(s.min)}–${f(s.max)})`;
const signedSecs = (ms: number) => `${ms >= 0 ? "+" : "−"}${secs(Math.abs(ms))} s`;

export function formatCompileBench(r: CompileBenchResult): string {
  const h = r.headline;
  const byId = (id: CompileBenchRow["id"]) => r.rows.find((row) => row.id === id)!;
  const c1 = byId("otpforge-c1-same-teacher");
  const cN = byId("otpforge-cN-same-teacher");
  const c1d = byId("otpforge-c1-default-teacher");
  const cNd = byId("otpforge-cN-default-teacher");
  const axRow = byId("ax");
  const perCall = (row: CompileBenchRow) => Math.round(row.mean.promptTokens / row.mean.lmCalls);
  const demos = (d: { min: number; max: number }) => (d.min === d.max ? String(d.min) : `${d.min}–${d.max}`);
  const score = (row: CompileBenchRow) => {
    const s = new Set(row.valScores);
    return s.size === 1
      ? row.valScores[0]!.toFixed(1)
      : `${mean(row.valScores).toFixed(1)} (${Math.min(...row.valScores).toFixed(1)}–${Math.max(...row.valScores).toFixed(1)})`;
  };
  const gap = h.sequentialGap;
  const outside = (row: CompileBenchRow) => `${row.outsideMsPerCall!.median.toFixed(1)} ms`;
  const lines = [
    `fake server: ${r.latency.baseMs} ms + ${r.latency.usPerPromptToken / 1000} ms per prompt token a call; trainset ${r.trainset}, ${r.demos} demos, valset ${r.valset}; ${r.repeat} repeats, rows rotated — ${r.machine}; load average ${r.loadAverage.start} at the start, ${r.loadAverage.end} at the end`,
    "",
    "| system | concurrency | teacher | teacher demos per call | compile wall time, median (min–max) | LM calls | prompt tokens per compile | charged LM time per compile | outside the server, per call | demos kept | val score |",
    "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...r.rows.map(
      (row) =>
        `| ${row.system} | ${row.concurrency} | ${row.teacher} | ${demos(row.teacherDemos)} | ${range(row.wallMs, (x) => `${secs(x)}`)} s | ${range(row.lmCalls)} | ${range(row.promptTokens)} | ${range(row.lmMs, secs)} s | ${row.outsideMsPerCall ? `${range(row.outsideMsPerCall, (x) => x.toFixed(1))} ms` : "— (calls overlap)"} | ${row.demosKept} | ${score(row)} |`,
    ),
    "",
    h.sameValScore
      ? `Time to the same val score: every compile of every row scored ${h.valScore!.toFixed(1)} on the valset (the fake model's accuracy does not depend on the prompt), so it is each row's compile wall time.`
      : "Val scores differ between compiles, so the rows did not reach the same score: compare wall times with that in mind.",
    `- Same teacher (${demos(axRow.teacherDemos)} demos a call): otpforge at concurrency ${r.concurrency} ${secs(cN.wallMs.median)} s, at concurrency 1 ${secs(c1.wallMs.median)} s, Ax (sequential) ${secs(axRow.wallMs.median)} s: Ax / otpforge = ${h.axOverOtpforgeCN.toFixed(2)}x at concurrency ${r.concurrency}, ${h.axOverOtpforgeC1.toFixed(2)}x at concurrency 1.`,
    `- Parallelism: otpforge, same teacher, concurrency 1 / ${r.concurrency} = ${h.parallelism.toFixed(2)}x (it sends ${cN.lmCalls.median} calls instead of ${c1.lmCalls.median}: examples already in flight when the last demo is found still finish).`,
    `- Sequential against sequential, same teacher and examples (median of the per-repeat differences): Ax minus otpforge = ${signedSecs(gap.wallMs)}; from calls ${signedSecs(gap.fromCallsMs)} (${axRow.lmCalls.median} against ${c1.lmCalls.median}, median), from prompt tokens ${signedSecs(gap.fromPromptTokensMs)} (${perCall(axRow)} tokens a call against ${perCall(c1)}), from time outside the server ${signedSecs(gap.outsideMs)} (${outside(axRow)} against ${outside(c1)} a call: clients, HTTP, the optimizer).`,
    `- Teacher size: otpforge at concurrency 1 with Ax's teacher (${perCall(c1)} tokens a call) / with its default teacher (${perCall(c1d)} tokens a call) = ${h.teacherPrompt.toFixed(2)}x.`,
    `- Each as it comes (otpforge's default teacher at concurrency ${r.concurrency}, ${secs(cNd.wallMs.median)} s; Ax ${secs(axRow.wallMs.median)} s): Ax / otpforge = ${h.axOverOtpforgeDefaultCN.toFixed(2)}x, from parallelism and a smaller teacher prompt together.`,
    "",
  ];
  return lines.join("\n");
}
