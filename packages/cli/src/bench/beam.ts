// `otpforge bench beam`: the sandbox pool against one cold `elixir` process per
// program. The measuring lives in @otpforge/beam (runBeamBench); this prints it.
import { runBeamBench, type BeamBenchResult } from "@otpforge/beam";
import { intOption, parseVerbArgs } from "../args.js";
import { EXIT_FAILURE, EXIT_OK, type CliIO } from "../verb.js";

export const beamBench = {
  name: "beam",
  summary: "untrusted programs in fresh VMs vs reused VMs vs one cold `elixir` per program; VM boot floor",
  help: `Usage: otpforge bench beam [--n N] [--parallelism P] [--json]

Runs the same N small untrusted programs (each compiles a GenServer module and
makes three calls), P at a time (default: the number of cores; the pool has P
VMs), three ways: (a) through the sandbox pool, a fresh VM per program as it
runs model code; (b) on reused warm VMs, as the pool did before tenancy; (c) as
one cold \`elixir\` OS process per program. Also: the VM boot floor (a bare
\`erl\` that halts, a sandboxed worker from spawn to ready), the latency of a
trivial untrusted job on a fresh VM, the round trip of a trivial trusted job on
a warm VM, and the pool's resident memory.

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
  const row = (way: string, x: { wallMs: number; programsPerSecond: number }) =>
    `| ${way} | ${(x.wallMs / 1000).toFixed(2)} s | ${x.programsPerSecond.toFixed(1)} |`;
  return [
    `${r.n} programs per way, parallelism ${r.parallelism} — ${m.cores} cores, ${m.os}, Node ${m.node}, Elixir ${m.elixir} / OTP ${m.otp}, load average ${m.loadAvg1m.toFixed(2)}, bubblewrap sandbox ${m.sandbox ? "on" : "OFF"}`,
    "",
    "| way | wall time | programs/s |",
    "| --- | ---: | ---: |",
    row(`pool, a fresh VM per program (${r.parallelism} VMs, spares pre-booted)`, r.pool),
    row("pool, reused VMs (before tenancy; not safe for model code)", r.reuse),
    row("cold `elixir` per program", r.cold),
    "",
    `fresh-VM pool over cold processes: ${r.ratio.toFixed(1)}x; reuse over fresh: ${(r.reuse.programsPerSecond / r.pool.programsPerSecond).toFixed(1)}x`,
    `boot floor (median of ${r.bootMs.samples}): bare erl ${r.bootMs.bareErl.toFixed(0)} ms, sandboxed worker VM ${r.bootMs.sandboxedWorker.toFixed(0)} ms`,
    `trivial untrusted job on a fresh VM (pool of 1, one at a time): p50 ${r.freshJobMs.p50.toFixed(0)} ms, p90 ${r.freshJobMs.p90.toFixed(0)} ms`,
    `trivial trusted job round trip on a warm VM: p50 ${r.trivialRoundTripMs.p50.toFixed(2)} ms, p90 ${r.trivialRoundTripMs.p90.toFixed(2)} ms (${r.trivialRoundTripMs.samples} sequential jobs)`,
    `pool resident memory: ${r.pool.residentMB.toFixed(0)} MB (${r.pool.residentMBPerWorker.map((x) => x.toFixed(0)).join(" + ")}), pool start ${(r.pool.startMs / 1000).toFixed(2)} s`,
    r.allCorrect ? "every program returned the expected value" : "SOME PROGRAMS DID NOT RETURN THE EXPECTED VALUE",
    "",
  ].join("\n");
}
