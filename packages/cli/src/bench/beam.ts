// `otpforge bench beam`: the sandbox pool against one cold `elixir` process per
// program. The measuring lives in @otpforge/beam (runBeamBench); this prints it.
import { runBeamBench, type BeamBenchResult } from "@otpforge/beam";
import { intOption, parseVerbArgs } from "../args.js";
import { EXIT_FAILURE, EXIT_OK, type CliIO } from "../verb.js";

export const beamBench = {
  name: "beam",
  summary: "the BEAM pool vs one cold `elixir` process per program: throughput, ratio, round trip, memory",
  help: `Usage: otpforge bench beam [--n N] [--parallelism P] [--json]

Runs the same N small programs (each compiles a GenServer module and makes
three calls) (a) through the sandbox pool and (b) as one cold \`elixir\` OS
process per program, P at a time (default: the number of cores; the pool has
P workers). Prints both throughputs and their ratio, the p50/p90 round trip of
a trivial job through the pool, and the pool's resident memory.

Options:
  --n N             programs per side (default 40)
  --parallelism P   pool workers and cold processes at once (default: cores)
  --json            one JSON object

Examples:
  otpforge bench beam
  otpforge bench beam --n 100 --json`,
  async run(argv: string[], io: CliIO): Promise<number> {
    const { values } = parseVerbArgs("bench beam", argv, { n: { type: "string" }, parallelism: { type: "string" } }, false);
    const n = intOption(values.n, "n", 40);
    const parallelism = values.parallelism === undefined ? undefined : intOption(values.parallelism, "parallelism", 2);
    const showProgress = io.isTTY && !values.json;
    const result = await runBeamBench({ n, parallelism, onProgress: showProgress ? (m) => io.stderr(`bench beam: ${m}\n`) : undefined });
    if (values.json) io.stdout(JSON.stringify(result) + "\n");
    else io.stdout(formatBeamBench(result));
    return result.allCorrect ? EXIT_OK : EXIT_FAILURE;
  },
};

export function formatBeamBench(r: BeamBenchResult): string {
  const m = r.machine;
  return [
    `${r.n} programs per side, parallelism ${r.parallelism} — ${m.cores} cores, ${m.os}, Node ${m.node}, Elixir ${m.elixir} / OTP ${m.otp}, load average ${m.loadAvg1m.toFixed(2)}`,
    "",
    "| way | wall time | programs/s |",
    "| --- | ---: | ---: |",
    `| pool (${r.parallelism} warm workers) | ${(r.pool.wallMs / 1000).toFixed(2)} s | ${r.pool.programsPerSecond.toFixed(1)} |`,
    `| cold \`elixir\` per program | ${(r.cold.wallMs / 1000).toFixed(2)} s | ${r.cold.programsPerSecond.toFixed(1)} |`,
    "",
    `ratio: ${r.ratio.toFixed(1)}x`,
    `trivial job round trip: p50 ${r.trivialRoundTripMs.p50.toFixed(2)} ms, p90 ${r.trivialRoundTripMs.p90.toFixed(2)} ms (${r.trivialRoundTripMs.samples} sequential jobs)`,
    `pool resident memory: ${r.pool.residentMB.toFixed(0)} MB (${r.pool.residentMBPerWorker.map((x) => x.toFixed(0)).join(" + ")}), pool start ${(r.pool.startMs / 1000).toFixed(2)} s`,
    r.allCorrect ? "every program returned the expected value" : "SOME PROGRAMS DID NOT RETURN THE EXPECTED VALUE",
    "",
  ].join("\n");
}
