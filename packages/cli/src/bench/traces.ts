// `otpforge bench traces`: verified trace examples per second, generated in
// memory on the beam pool exactly as `dataset traces` does: worlds observed
// under the explorer (the default) and, side by side in the same run, the old
// way (R perturbed real-time runs per world). The measuring (CPU accounting
// included) is @otpforge/datasets' runTracesBench; this parses and prints.
import { runTracesBench, type TracesBenchResult } from "@otpforge/datasets";
import { defaultPoolSize } from "../pool-size.js";
import { intOption, parseVerbArgs } from "../args.js";
import { EXIT_OK, UsageError, type CliIO } from "../verb.js";
import type { Benchmark } from "./index.js";

export const tracesBench: Benchmark = {
  name: "traces",
  summary: "verified trace examples per second (R runs per world, beam pool)",
  help: `Usage: otpforge bench traces [--n N] [--observe HOW] [--preload HOW] [--concurrent-share S] [--runs R] [--seed S] [--pool-size P] [--json]

Generates N trace examples in memory exactly as \`otpforge dataset traces\`
does and reports verified examples per second; the pool's start is timed
separately and not counted. The target is 30 examples/s on 2 cores.

Options:
  --n N                 examples to generate (default 300)
  --observe HOW         explore, runs, or both (default): both runs the old way
                        (R perturbed real-time runs per world) and the new one
                        (every interleaving under the explorer, virtual time)
                        one after the other, same seed and pool size
  --preload HOW         on (default): the trace observer preloaded once per VM;
                        off: compiled in a job and shipped into every world
                        job (the way before preloads); both: each, one after
                        the other, for every way of --observe
  --concurrent-share S  share of N from concurrent worlds (default 0: the old
                        way has none; 0.5 is what the demo builds)
  --runs R              runs per world with runs (default 5)
  --seed S              dataset seed (default "bench")
  --pool-size P         worker VMs (default as \`dataset traces\`: one per core)
  --json                one JSON object per measurement, one per line

Examples:
  otpforge bench traces
  otpforge bench traces --observe explore --concurrent-share 0.5 --json
  otpforge bench traces --observe explore --preload both`,
  async run(argv: string[], io: CliIO) {
    const { values, positionals } = parseVerbArgs("bench traces", argv, {
      n: { type: "string" },
      observe: { type: "string" },
      preload: { type: "string" },
      "concurrent-share": { type: "string" },
      runs: { type: "string" },
      seed: { type: "string" },
      "pool-size": { type: "string" },
    });
    if (positionals.length) throw new UsageError(`unexpected arguments: ${positionals.join(" ")}`);
    const observe = values.observe ?? "both";
    if (!["explore", "runs", "both"].includes(observe))
      throw new UsageError(`--observe must be explore, runs or both, not ${JSON.stringify(observe)}`);
    const preloadHow = values.preload ?? "on";
    if (!["on", "off", "both"].includes(preloadHow))
      throw new UsageError(`--preload must be on, off or both, not ${JSON.stringify(preloadHow)}`);
    const preloads = preloadHow === "both" ? [false, true] : [preloadHow === "on"];
    const share = values["concurrent-share"] === undefined ? 0 : Number(values["concurrent-share"]);
    if (!(share >= 0 && share <= 1))
      throw new UsageError(`--concurrent-share must be a number from 0 to 1, not ${JSON.stringify(values["concurrent-share"])}`);
    if (share > 0 && observe !== "explore")
      throw new UsageError("concurrent worlds are always explored: pass --observe explore with --concurrent-share");
    const ways: Array<"explore" | "runs"> = observe === "both" ? ["runs", "explore"] : [observe as "explore" | "runs"];
    for (const observation of ways)
      for (const preload of preloads) {
        const result = await runTracesBench({
          n: intOption(values.n, "n", 300),
          runs: intOption(values.runs, "runs", 5),
          seed: values.seed ?? "bench",
          poolSize: intOption(values["pool-size"], "pool-size", defaultPoolSize()),
          observation,
          concurrentShare: share,
          preload,
        });
        io.stdout(values.json ? JSON.stringify(result) + "\n" : describe(result));
      }
    return EXIT_OK;
  },
};

function describe(result: TracesBenchResult): string {
  const how = result.observation === "explore" ? "every interleaving explored (virtual time)" : `${result.runs} real-time runs each`;
  return [
    `trace dataset benchmark (${result.observation}) on ${result.machine}, Elixir ${result.elixir} / OTP ${result.otp}`,
    `  ${result.examples} verified examples (${Math.round(100 * result.concurrentShare)}% from concurrent worlds) from ${result.worlds} worlds, ${how}, pool of ${result.poolSize} workers, observer ${result.preload ? "preloaded" : "shipped per job"}`,
    `  worlds dropped: ${result.worldsDropped.racy} racy, ${result.worldsDropped.incomplete} incomplete explorations, ${result.worldsDropped.busy} too delayed by a busy machine, ${result.worldsDropped.failed} failed`,
    `  ${result.seconds} s (pool start ${result.poolStartSeconds} s not counted), load average at start ${result.loadAverage}`,
    `  ${result.examplesPerSecond} verified examples/s (target 30: ${result.examplesPerSecond >= 30 ? "met" : "not met"}), ${result.worldsPerSecond} worlds/s`,
    ...(result.cpuSeconds !== null
      ? [
          `  CPU used: ${result.cpuSeconds} s (worker VMs + Node, of which Node ${result.nodeCpuSeconds} s): at most ${result.cpuBoundExamplesPerSecond} examples/s on an otherwise idle machine with these cores`,
        ]
      : [`  CPU used: not measured (some worker processes ended where /proc no longer counts them)`]),
    "",
  ].join("\n");
}
