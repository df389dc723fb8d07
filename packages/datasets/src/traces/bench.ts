// The measuring of `otpforge bench traces`: verified trace examples per
// second, generated in memory on a fresh beam pool exactly as `dataset
// traces` does, with the CPU the worker VMs and this Node process used, so a
// figure taken on a busy machine can be told from one taken on an idle one.
import { readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import { createPool } from "@otpforge/beam";
import { beamVersions, buildTraceDataset } from "./build.js";
import { tracePreload } from "./driver-input.js";
import { poolRunner } from "./runner.js";

export interface TracesBenchOptions {
  n: number;
  runs: number;
  seed: string;
  poolSize: number;
  /** How sequential worlds are observed (default explore). */
  observation?: "explore" | "runs";
  /** The share of n from concurrent worlds (default 0). */
  concurrentShare?: number;
  /**
   * Give the pool the trace observer as a preload (default true). false is the way before
   * preloads: the observer compiled in a job and its binaries shipped into every world job.
   */
  preload?: boolean;
}

export interface TracesBenchResult {
  machine: string;
  elixir: string;
  otp: string;
  poolSize: number;
  /** How sequential worlds were observed. */
  observation: "explore" | "runs";
  /** Whether the observer was preloaded (else shipped into every job). */
  preload: boolean;
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
  /**
   * CPU seconds the worker VMs and this Node process used while generating (Linux /proc;
   * null elsewhere, or when processes ended where /proc no longer shows them).
   */
  cpuSeconds: number | null;
  /** The part of cpuSeconds spent in this Node process (generation, records, validation). */
  nodeCpuSeconds: number;
  /** examples / CPU second × cores: what an otherwise idle machine could reach if CPU were the only limit. */
  cpuBoundExamplesPerSecond: number | null;
}

/**
 * CPU seconds used so far by this process and everything under it (Linux): utime +
 * stime + cutime + cstime of every live process in its tree, so the pool's workers,
 * what they launch (the VM under a launcher, the fresh VM of each isolated job) and
 * workers replaced mid-run all count. A worker's own pid alone saw almost none of it.
 * A child that ended is in its parent's cutime once reaped, so a difference of two
 * totals counts it.
 */
function treeCpuSeconds(root: number): number | null {
  try {
    const parent = new Map<number, number>();
    const own = new Map<number, number>();
    for (const entry of readdirSync("/proc")) {
      if (!/^\d+$/.test(entry)) continue;
      let stat: string;
      try {
        stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      } catch {
        continue; // ended while we read
      }
      // Fields after the command name (which may hold spaces) start at index 0 = state.
      const f = stat.replace(/^.*\) /, "").split(" ");
      parent.set(Number(entry), Number(f[1]));
      own.set(Number(entry), (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / 100);
    }
    const inTree = new Set(own.has(root) ? [root] : []);
    for (let grown = true; grown;) {
      grown = false;
      for (const [pid, ppid] of parent)
        if (!inTree.has(pid) && inTree.has(ppid)) {
          inTree.add(pid);
          grown = true;
        }
    }
    return [...inTree].reduce((sum, pid) => sum + own.get(pid)!, 0);
  } catch {
    return null;
  }
}

export async function runTracesBench(options: TracesBenchOptions): Promise<TracesBenchResult> {
  const observation = options.observation ?? "explore";
  const concurrentShare = options.concurrentShare ?? 0;
  let t = performance.now();
  const preload = options.preload ?? true;
  const pool = await createPool({ size: options.poolSize, ...(preload ? { preload: [tracePreload()] } : {}) });
  const poolStartSeconds = (performance.now() - t) / 1000;
  try {
    const runner = poolRunner(pool, options.poolSize);
    const versions = await beamVersions(runner);
    const loadAverage = os.loadavg()[0];
    const before = treeCpuSeconds(process.pid);
    const nodeBefore = process.cpuUsage();
    t = performance.now();
    const r = await buildTraceDataset({ n: options.n, seed: options.seed, runs: options.runs, runner, observation, concurrentShare });
    const seconds = (performance.now() - t) / 1000;
    const after = treeCpuSeconds(process.pid);
    const node = process.cpuUsage(nodeBefore);
    // Less than Node's own CPU means work ended outside the tree (a killed worker's VM
    // whose launcher died first is reaped by nobody here): no figure rather than a low one.
    const treeSeconds = before !== null && after !== null ? after - before : null;
    const cpuSeconds = treeSeconds !== null && treeSeconds * 1e6 >= node.user + node.system ? treeSeconds : null;
    const cpus = os.cpus();
    return {
      machine: `${cpus.length} cores (${cpus[0]?.model.trim() ?? "unknown cpu"}), ${os.type()} ${os.release()}, Node ${process.versions.node}`,
      elixir: versions.elixir,
      otp: versions.otp,
      poolSize: options.poolSize,
      observation,
      preload,
      concurrentShare,
      runs: options.runs,
      examples: r.examples.length,
      worlds: r.stats.worlds.run + (r.stats.concurrent?.worlds.run ?? 0),
      worldsDropped: {
        racy: r.stats.worlds.disagreeing,
        busy: r.stats.worlds.busy,
        failed: r.stats.worlds.failed,
        incomplete: r.stats.worlds.incomplete,
      },
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
