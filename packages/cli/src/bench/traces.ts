// `otpforge bench traces`: verified trace examples per second at R runs per
// world, generated in memory on the beam pool exactly as `dataset traces` does.
import { readFileSync } from "node:fs";
import os from "node:os";
import { createPool } from "@otpforge/beam";
import { beamVersions, buildTraceDataset, poolRunner } from "@otpforge/datasets";
import { defaultPoolSize } from "../verbs/dataset.js";
import { intOption, parseVerbArgs } from "../args.js";
import { EXIT_OK, UsageError, type CliIO } from "../verb.js";
import type { Benchmark } from "./index.js";

export interface TracesBenchResult {
  machine: string;
  elixir: string;
  otp: string;
  poolSize: number;
  runs: number;
  examples: number;
  worlds: number;
  /** Worlds dropped: runs disagreed or could (racy), or the machine was too busy to trust the timing. */
  worldsDropped: { racy: number; busy: number; failed: number };
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

export async function runTracesBench(options: { n: number; runs: number; seed: string; poolSize: number }): Promise<TracesBenchResult> {
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
    const r = await buildTraceDataset({ n: options.n, seed: options.seed, runs: options.runs, runner });
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
      runs: options.runs,
      examples: r.examples.length,
      worlds: r.stats.worlds.run,
      worldsDropped: { racy: r.stats.worlds.disagreeing, busy: r.stats.worlds.busy, failed: r.stats.worlds.failed },
      poolStartSeconds: round(poolStartSeconds),
      seconds: round(seconds),
      examplesPerSecond: round(r.examples.length / seconds),
      worldsPerSecond: round(r.stats.worlds.run / seconds),
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
  help: `Usage: otpforge bench traces [--n N] [--runs R] [--seed S] [--pool-size P] [--json]

Generates N trace examples in memory exactly as \`otpforge dataset traces\`
does (every world run R times on the BEAM) and reports verified examples per
second; the pool's start is timed separately and not counted. The target is
20 examples/s at R = 5 on 2 cores.

Options:
  --n N            examples to generate (default 300)
  --runs R         runs per world (default 5)
  --seed S         dataset seed (default "bench")
  --pool-size P    worker VMs (default as \`dataset traces\`: 2 per core, at
                   most 16; world runs spend much of their time waiting for timers)
  --json           one JSON object

Examples:
  otpforge bench traces
  otpforge bench traces --n 500 --runs 5 --json`,
  async run(argv: string[], io: CliIO) {
    const { values, positionals } = parseVerbArgs("bench traces", argv, {
      n: { type: "string" },
      runs: { type: "string" },
      seed: { type: "string" },
      "pool-size": { type: "string" },
    });
    if (positionals.length) throw new UsageError(`unexpected arguments: ${positionals.join(" ")}`);
    const result = await runTracesBench({
      n: intOption(values.n, "n", 300),
      runs: intOption(values.runs, "runs", 5),
      seed: values.seed ?? "bench",
      poolSize: intOption(values["pool-size"], "pool-size", defaultPoolSize()),
    });
    if (values.json) io.stdout(JSON.stringify(result) + "\n");
    else {
      io.stdout(
        [
          `trace dataset benchmark on ${result.machine}, Elixir ${result.elixir} / OTP ${result.otp}`,
          `  ${result.examples} verified examples from ${result.worlds} worlds, ${result.runs} runs each, pool of ${result.poolSize} workers`,
          `  worlds dropped: ${result.worldsDropped.racy} racy, ${result.worldsDropped.busy} too delayed by a busy machine, ${result.worldsDropped.failed} failed`,
          `  ${result.seconds} s (pool start ${result.poolStartSeconds} s not counted), load average at start ${result.loadAverage}`,
          `  ${result.examplesPerSecond} verified examples/s (target 20: ${result.examplesPerSecond >= 20 ? "met" : "not met"}), ${result.worldsPerSecond} worlds/s`,
          ...(result.cpuSeconds !== null
            ? [`  CPU used: ${result.cpuSeconds} s (worker VMs + Node, of which Node ${result.nodeCpuSeconds} s): at most ${result.cpuBoundExamplesPerSecond} examples/s on an otherwise idle machine with these cores`]
            : []),
          "",
        ].join("\n"),
      );
    }
    return EXIT_OK;
  },
};
