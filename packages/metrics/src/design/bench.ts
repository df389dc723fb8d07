// The measuring of `otpforge bench design`: the reference skeleton of every
// built-in design problem checked by the design metric's probe, one sandboxed
// job per skeleton as the metric runs them, on a pool whose VMs preload the
// probe (designProbePreload) or, the way before preloads, with the probe's
// ~900 lines of Elixir shipped and compiled in every job. Both ways can run in
// one invocation, one after the other, on pools of the same size.
import os from "node:os";
import { createPool, findElixir, type JobRunner } from "@otpforge/beam";
import { DESIGN_PROBLEMS } from "@otpforge/otp-signatures";
import { designProbePreload } from "./probe-script.js";
import { verifyDesign } from "./verify-design.js";

export interface DesignBenchOptions {
  /** "on": the probe preloaded; "off": shipped in every job; "both": off, then on. Default both. */
  preload?: "on" | "off" | "both";
  /** Worker VMs, and checks kept in flight. Default 2. */
  poolSize?: number;
}

export interface DesignBenchRun {
  preload: boolean;
  /** Skeletons checked (one job each). */
  checks: number;
  /** Checks whose skeleton met every requirement (the references all should). */
  passed: number;
  /** Pool start (VMs booting; with the preload also its build, cached on disk after the first). Not in the rates. */
  poolStartSeconds: number;
  seconds: number;
  checksPerSecond: number;
  /** Mean time a check's job took inside its VM (compile, probe run), ms. */
  meanJobMs: number;
}

export interface DesignBenchResult {
  machine: string;
  elixir: string;
  otp: string;
  poolSize: number;
  loadAverage: number;
  runs: DesignBenchRun[];
}

export async function runDesignBench(options: DesignBenchOptions = {}): Promise<DesignBenchResult> {
  const mode = options.preload ?? "both";
  const poolSize = Math.max(1, options.poolSize ?? 2);
  const install = await findElixir();
  const loadAverage = os.loadavg()[0];
  const runs: DesignBenchRun[] = [];
  for (const preload of mode === "both" ? [false, true] : [mode === "on"]) runs.push(await measure(preload, poolSize));
  const cpus = os.cpus();
  return {
    machine: `${cpus.length} cores (${cpus[0]?.model.trim() ?? "unknown cpu"}), ${os.type()} ${os.release()}, Node ${process.versions.node}`,
    elixir: install.elixirVersion,
    otp: install.otpRelease,
    poolSize,
    loadAverage: round(loadAverage),
    runs,
  };
}

async function measure(preload: boolean, poolSize: number): Promise<DesignBenchRun> {
  let t = performance.now();
  const pool = await createPool({ size: poolSize, onNotice: () => {}, ...(preload ? { preload: [designProbePreload()] } : {}) });
  const poolStartSeconds = (performance.now() - t) / 1000;
  try {
    const jobMs: number[] = [];
    // The pool as the metric sees it, with each job's time in its VM noted.
    const runner: JobRunner = {
      preloads: pool.preloads,
      size: pool.size,
      run: async (job) => {
        const r = await pool.run(job);
        jobMs.push(r.durationMs);
        return r;
      },
    };
    const queue = [...DESIGN_PROBLEMS];
    let passed = 0;
    t = performance.now();
    await Promise.all(
      Array.from({ length: poolSize }, async () => {
        for (let p = queue.shift(); p; p = queue.shift()) {
          const v = await verifyDesign(p.reference.skeleton, p, { pool: runner });
          if (v.status === "checked" && v.score === 1) passed++;
        }
      }),
    );
    const seconds = (performance.now() - t) / 1000;
    return {
      preload,
      checks: DESIGN_PROBLEMS.length,
      passed,
      poolStartSeconds: round(poolStartSeconds),
      seconds: round(seconds),
      checksPerSecond: round(DESIGN_PROBLEMS.length / seconds),
      meanJobMs: Math.round(jobMs.reduce((a, b) => a + b, 0) / Math.max(1, jobMs.length)),
    };
  } finally {
    await pool.close();
  }
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
