// `otpforge bench design`: the design metric on the reference skeletons, with
// the probe preloaded in the pool and, side by side, shipped in every job (the
// way before preloads). The measuring is @otpforge/metrics' runDesignBench;
// this parses and prints.
import { runDesignBench, type DesignBenchResult } from "@otpforge/metrics";
import { intOption, parseVerbArgs } from "../args.js";
import { EXIT_FAILURE, EXIT_OK, UsageError, type CliIO } from "../verb.js";
import type { Benchmark } from "./index.js";

export const designBench: Benchmark = {
  name: "design",
  summary: "design-metric checks per second on the reference skeletons, probe preloaded vs shipped per job",
  help: `Usage: otpforge bench design [--preload off|on|both] [--pool-size P] [--json]

Checks the reference skeleton of each built-in design problem with the design
metric, one sandboxed job per skeleton, P at a time, and reports checks per
second and the mean time of a job in its VM. The pool's start (with the
preload: also its build, cached on disk after the first) is timed apart.

Options:
  --preload HOW   on: the probe preloaded in every VM; off: its source shipped
                  and compiled in every job; both (default): off, then on
  --pool-size P   worker VMs and checks in flight (default 2)
  --json          one JSON object

Examples:
  otpforge bench design
  otpforge bench design --preload on --json`,
  async run(argv: string[], io: CliIO) {
    const { values, positionals } = parseVerbArgs("bench design", argv, { preload: { type: "string" }, "pool-size": { type: "string" } });
    if (positionals.length) throw new UsageError(`unexpected arguments: ${positionals.join(" ")}`);
    const preload = values.preload ?? "both";
    if (preload !== "on" && preload !== "off" && preload !== "both")
      throw new UsageError(`--preload must be off, on or both, not ${JSON.stringify(preload)}`);
    const result = await runDesignBench({ preload, poolSize: intOption(values["pool-size"], "pool-size", 2) });
    io.stdout(values.json ? JSON.stringify(result) + "\n" : describe(result));
    return result.runs.every((r) => r.passed === r.checks) ? EXIT_OK : EXIT_FAILURE;
  },
};

function describe(result: DesignBenchResult): string {
  return [
    `design metric benchmark on ${result.machine}, Elixir ${result.elixir} / OTP ${result.otp}, pool of ${result.poolSize}, load average at start ${result.loadAverage}`,
    ...result.runs.map(
      (r) =>
        `  probe ${r.preload ? "preloaded" : "shipped per job"}: ${r.checks} checks (${r.passed} passed) in ${r.seconds} s = ${r.checksPerSecond} checks/s, mean job ${r.meanJobMs} ms (pool start ${r.poolStartSeconds} s not counted)`,
    ),
    "",
  ].join("\n");
}
