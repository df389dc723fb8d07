// `otpforge bench traces`: verified trace examples per second, generated in
// memory on the beam pool exactly as `dataset traces` does: worlds observed
// under the explorer (the default) and, side by side in the same run, the old
// way (R perturbed real-time runs per world).
import { readFileSync } from "node:fs";
import os from "node:os";
import { createPool } from "@otpforge/beam";
import { beamVersions, buildTraceDataset, poolRunner } from "@otpforge/datasets";
import { defaultPoolSize } from "../pool-size.js";
import { intOption, parseVerbArgs } from "../args.js";
import { EXIT_OK, UsageError, type CliIO } from "../verb.js";
import type { Benchmark } from "./index.js";

export interface TracesBenchResult {
  machine: string;
  elixir: string;
  otp: string;
  poolSize: number;
  /** How sequential worlds were observed. */
  observation: "explore" | "runs";
  /** The share of n from concurrent worlds. */
  concurrentShare: number;
  runs: number;
  examples: number;
  worlds: number;
  /** Worlds dropped: runs disagreed or could (racy), or the machine was too busy to trust the timing. */
  worldsDropped: { racy: number; busy: number; failed: number; incomplete: number };
  /** Pool start (worker VMs booting), not counted in the rates. */
  poolStartSeconds: number;
  seconds: number;
  examplesPerSecond: number;
  worldsPerSecond: number;
  /** Load average when the benchmark started: other work on the machine slows it. */
  loadAverage: number;
  /** CPU seconds the worker VMs and this Node process used while generating (Linux /proc; null elsewhere). */
  cpuSeconds: number | null;
  /** The part of cpuSeconds spent in this Node process (generation, records, validation). */
  nodeCpuSeconds: number;
  /** examples / CPU second × cores: what an otherwise idle machine could reach if CPU were the only limit. */
  cpuBoundExamplesPerSecond: number | null;
}

/** utime + stime of each process, in seconds (Linux). */
function cpuOf(pids: number[]): Map<number, number> | null {
  try {
    return new Map(
      pids.map((pid) => {
        // Fields after the command name (which may hold spaces) start at index 2 = state.
        const fields = readFileSync(`/proc/${pid}/stat`, "utf8").replace(/^.*\) /, "").split(" ");
        return [pid, (Number(fields[11]) + Number(fields[12])) / 100];
      }),
    );
  } catch {
    return null;
  }
}

export async function runTracesBench(options: { n: number; runs: number; seed: string; poolSize: number; observation?: "explore" | "runs"; concurrentShare?: number }): Promise<TracesBenchResult> {
  const observation = options.observation ?? "explore";
  const concurrentShare = options.concurrentShare ?? 0;
  let t = performance.now();
  const pool = await createPool({ size: options.poolSize });
  const poolStartSeconds = (performance.now() - t) / 1000;
  try {
    const runner = poolRunner(pool, options.poolSize);
    const versions = await beamVersions(runner);
    const loadAverage = os.loadavg()[0];
    const before = cpuOf(pool.osPids());
    const nodeBefore = process.cpuUsage();
    t = performance.now();
    const r = await buildTraceDataset({ n: options.n, seed: options.seed, runs: options.runs, runner, observation, concurrentShare });
    const seconds = (performance.now() - t) / 1000;
    const after = cpuOf(pool.osPids());
    const node = process.cpuUsage(nodeBefore);
    const cpuSeconds = before && after ? [...after].reduce((sum, [pid, c]) => sum + c - (before.get(pid) ?? 0), 0) + (node.user + node.system) / 1e6 : null;
    const cpus = os.cpus();
    return {
      machine: `${cpus.length} cores (${cpus[0]?.model.trim() ?? "unknown cpu"}), ${os.type()} ${os.release()}, Node ${process.versions.node}`,
      elixir: versions.elixir,
      otp: versions.otp,
      poolSize: options.poolSize,
      observation,
      concurrentShare,
      runs: options.runs,
      examples: r.examples.length,
      worlds: r.stats.worlds.run + (r.stats.concurrent?.worlds.run ?? 0),
      worldsDropped: { racy: r.stats.worlds.disagreeing, busy: r.stats.worlds.busy, failed: r.stats.worlds.failed, incomplete: r.stats.worlds.incomplete },
      poolStartSeconds: round(poolStartSeconds),
      seconds: round(seconds),
      examplesPerSecond: round(r.examples.length / seconds),
      worldsPerSecond: round((r.stats.worlds.run + (r.stats.concurrent?.worlds.run ?? 0)) / seconds),
      loadAverage: round(loadAverage),
      cpuSeconds: cpuSeconds === null ? null : round(cpuSeconds),
      nodeCpuSeconds: round((node.user + node.system) / 1e6),
      cpuBoundExamplesPerSecond: cpuSeconds ? round((r.examples.length / cpuSeconds) * cpus.length) : null,
    };
  } finally {
    await pool.close();
  }
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

export const tracesBench: Benchmark = {
  name: "traces",
  summary: "verified trace examples per second (R runs per world, beam pool)",
  help: `Usage: otpforge bench traces [--n N] [--observe HOW] [--concurrent-share S] [--runs R] [--seed S] [--pool-size P] [--json]

Generates N trace examples in memory exactly as \`otpforge dataset traces\`
does and reports verified examples per second; the pool's start is timed
separately and not counted. The target is 30 examples/s on 2 cores.

Options:
  --n N                 examples to generate (default 300)
  --observe HOW         explore, runs, or both (default): both runs the old way
                        (R perturbed real-time runs per world) and the new one
                        (every interleaving under the explorer, virtual time)
                        one after the other, same seed and pool size
  --concurrent-share S  share of N from concurrent worlds (default 0: the old
                        way has none; 0.5 is what the demo builds)
  --runs R              runs per world with runs (default 5)
  --seed S              dataset seed (default "bench")
  --pool-size P         worker VMs (default as \`dataset traces\`: one per core)
  --json                one JSON object per measurement, one per line

Examples:
  otpforge bench traces
  otpforge bench traces --observe explore --concurrent-share 0.5 --json`,
  async run(argv: string[], io: CliIO) {
    const { values, positionals } = parseVerbArgs("bench traces", argv, {
      n: { type: "string" },
      observe: { type: "string" },
      "concurrent-share": { type: "string" },
      runs: { type: "string" },
      seed: { type: "string" },
      "pool-size": { type: "string" },
    });
    if (positionals.length) throw new UsageError(`unexpected arguments: ${positionals.join(" ")}`);
    const observe = values.observe ?? "both";
    if (!["explore", "runs", "both"].includes(observe)) throw new UsageError(`--observe must be explore, runs or both, not ${JSON.stringify(observe)}`);
    const share = values["concurrent-share"] === undefined ? 0 : Number(values["concurrent-share"]);
    if (!(share >= 0 && share <= 1)) throw new UsageError(`--concurrent-share must be a number from 0 to 1, not ${JSON.stringify(values["concurrent-share"])}`);
    if (share > 0 && observe !== "explore") throw new UsageError("concurrent worlds are always explored: pass --observe explore with --concurrent-share");
    const ways: Array<"explore" | "runs"> = observe === "both" ? ["runs", "explore"] : [observe as "explore" | "runs"];
    for (const observation of ways) {
      const result = await runTracesBench({
        n: intOption(values.n, "n", 300),
        runs: intOption(values.runs, "runs", 5),
        seed: values.seed ?? "bench",
        poolSize: intOption(values["pool-size"], "pool-size", defaultPoolSize()),
        observation,
        concurrentShare: share,
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
    `  ${result.examples} verified examples (${Math.round(100 * result.concurrentShare)}% from concurrent worlds) from ${result.worlds} worlds, ${how}, pool of ${result.poolSize} workers`,
    `  worlds dropped: ${result.worldsDropped.racy} racy, ${result.worldsDropped.incomplete} incomplete explorations, ${result.worldsDropped.busy} too delayed by a busy machine, ${result.worldsDropped.failed} failed`,
    `  ${result.seconds} s (pool start ${result.poolStartSeconds} s not counted), load average at start ${result.loadAverage}`,
    `  ${result.examplesPerSecond} verified examples/s (target 30: ${result.examplesPerSecond >= 30 ? "met" : "not met"}), ${result.worldsPerSecond} worlds/s`,
    ...(result.cpuSeconds !== null
      ? [`  CPU used: ${result.cpuSeconds} s (worker VMs + Node, of which Node ${result.nodeCpuSeconds} s): at most ${result.cpuBoundExamplesPerSecond} examples/s on an otherwise idle machine with these cores`]
      : []),
    "",
  ].join("\n");
}
