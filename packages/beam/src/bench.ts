// The same N small untrusted programs (each compiles a GenServer and makes a
// few calls), in one run, same parallelism, three ways:
//   fresh  the pool as it runs model code: a fresh sandboxed VM per program
//          (pre-booted spares, discarded after the program);
//   reuse  what the pool did before tenancy: every program on warm VMs reused
//          from one program to the next (one long submission per VM);
//   cold   one cold `elixir` OS process per program (MultiPL-E-style harnesses).
// Plus the boot floor: a bare `erl` that halts, and a sandboxed worker VM.
import { execFile } from "node:child_process";
import { readFileSync, readdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, release, tmpdir, type } from "node:os";
import { join } from "node:path";
import { findElixir } from "./elixir.js";
import { isolationPlan } from "./isolation.js";
import { createPool } from "./pool.js";

export interface BeamBenchOptions {
  /** Programs per side. Default 40. */
  n?: number;
  /** Workers in the pool, and cold processes at once. Default: cores. */
  parallelism?: number;
  /** Sequential trivial jobs for the round-trip percentiles. Default 200. */
  roundTrips?: number;
  onProgress?: (message: string) => void;
}

export interface BeamBenchResult {
  machine: { cores: number; os: string; node: string; elixir: string; otp: string; loadAvg1m: number; sandbox: boolean };
  n: number;
  parallelism: number;
  /** Untrusted programs, each in a fresh VM (what the pool does). */
  pool: { startMs: number; wallMs: number; programsPerSecond: number; residentMB: number; residentMBPerWorker: number[] };
  /** The same programs on reused warm VMs (the pool before tenancy; unsafe for model code). */
  reuse: { wallMs: number; programsPerSecond: number };
  cold: { wallMs: number; programsPerSecond: number };
  /** fresh-VM pool over cold processes. */
  ratio: number;
  /** Boot floor: `erl` that halts at once; a sandboxed worker VM from spawn to ready (sequential, medians). */
  bootMs: { bareErl: number; sandboxedWorker: number; samples: number };
  /** A trivial trusted job on a warm VM. */
  trivialRoundTripMs: { p50: number; p90: number; samples: number };
  /** A trivial untrusted job, each on a fresh VM, one at a time on a pool of one (the spare boots between jobs). */
  freshJobMs: { p50: number; p90: number; samples: number };
  allCorrect: boolean;
}

/** Program i: a GenServer whose calls add i; it answers 3 * i after three calls. */
export function benchProgram(i: number): { module: string; script: string; expected: string } {
  const module = `defmodule BenchCounter do
  use GenServer
  def start_link(step), do: GenServer.start_link(__MODULE__, {0, step})
  def bump(pid), do: GenServer.call(pid, :bump)
  @impl true
  def init(state), do: {:ok, state}
  @impl true
  def handle_call(:bump, _from, {n, step}), do: {:reply, n + step, {n + step, step}}
end
`;
  const script = `{:ok, pid} = BenchCounter.start_link(${i})\nBenchCounter.bump(pid)\nBenchCounter.bump(pid)\nBenchCounter.bump(pid)\n`;
  return { module, script, expected: String(3 * i) };
}

function median(xs: number[]): number {
  return percentile(
    [...xs].sort((a, b) => a - b),
    50,
  );
}

/** Waits until the pool has every VM booted and idle again (spares refilled). */
async function settle(pool: { stats(): { size: number; busy: number } }, size: number): Promise<void> {
  const until = performance.now() + 60_000;
  while (performance.now() < until) {
    const st = pool.stats();
    if (st.busy === 0 && (pool as unknown as { osPids(): number[] }).osPids().length >= size) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Resident memory of each OS process and its descendants (the VM runs under bubblewrap), from /proc (Linux). */
function residentMB(pids: number[]): number[] {
  const rss = (pid: number): number => {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
      return m ? Number(m[1]) / 1024 : 0;
    } catch {
      return 0;
    }
  };
  const children = (pid: number): number[] => {
    try {
      return readdirSync(`/proc/${pid}/task`).flatMap((t) =>
        readFileSync(`/proc/${pid}/task/${t}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number),
      );
    } catch {
      return [];
    }
  };
  const tree = (pid: number): number => rss(pid) + children(pid).reduce((a, c) => a + tree(c), 0);
  return pids.map(tree);
}

async function inParallel<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

export async function runBeamBench(options: BeamBenchOptions = {}): Promise<BeamBenchResult> {
  const n = options.n ?? 40;
  const parallelism = options.parallelism ?? availableParallelism();
  const progress = options.onProgress ?? (() => {});
  const install = await findElixir();
  const programs = Array.from({ length: n }, (_, i) => benchProgram(i + 1));
  let allCorrect = true;

  progress(`starting a pool of ${parallelism} workers`);
  let t = performance.now();
  const pool = await createPool({ size: parallelism, onNotice: () => {} });
  const startMs = performance.now() - t;
  let poolSide: BeamBenchResult["pool"];
  let reuse: BeamBenchResult["reuse"];
  let trivial: number[] = [];
  const job = (p: { module: string; script: string }) => ({ files: [{ name: "bench_counter.ex", source: p.module }], script: p.script });
  try {
    // Warm-up outside the measurement (and a full set of spares booted after it).
    await Promise.all(Array.from({ length: parallelism }, (_, i) => pool.run(job(programs[i % n]!))));
    await settle(pool, parallelism);
    progress(`fresh VM per program: ${n} programs`);
    t = performance.now();
    const results = await Promise.all(programs.map((p) => pool.run(job(p))));
    const wallMs = performance.now() - t;
    results.forEach((r, i) => {
      if (r.status !== "ok" || r.value !== programs[i]!.expected) allCorrect = false;
    });
    await settle(pool, parallelism);
    const rss = residentMB(pool.osPids());
    poolSide = {
      startMs,
      wallMs,
      programsPerSecond: (n * 1000) / wallMs,
      residentMB: rss.reduce((a, b) => a + b, 0),
      residentMBPerWorker: rss,
    };

    progress(`reused VMs: ${n} programs on ${parallelism} long submissions`);
    const tenants = Array.from({ length: parallelism }, () => pool.submission());
    await Promise.all(tenants.map((s) => s.run(job(programs[0]!))));
    t = performance.now();
    const reused = await Promise.all(programs.map((p, i) => tenants[i % parallelism]!.run(job(p))));
    const reuseMs = performance.now() - t;
    reused.forEach((r, i) => {
      if (r.status !== "ok" || r.value !== programs[i]!.expected) allCorrect = false;
    });
    await Promise.all(tenants.map((s) => s.close()));
    reuse = { wallMs: reuseMs, programsPerSecond: (n * 1000) / reuseMs };

    progress("round trips of a trivial trusted job");
    for (let i = 0; i < 20; i++) await pool.run({ script: "1", trusted: true });
    for (let i = 0; i < (options.roundTrips ?? 200); i++) {
      const s = performance.now();
      await pool.run({ script: "1", trusted: true });
      trivial.push(performance.now() - s);
    }
  } finally {
    await pool.close();
  }
  trivial = trivial.sort((a, b) => a - b);

  progress("boot floor: bare erl, sandboxed worker VM, fresh-VM trivial jobs");
  const bootSamples = 5;
  const bare: number[] = [];
  for (let i = 0; i < bootSamples; i++) {
    const s = performance.now();
    await new Promise<void>((resolve) =>
      execFile(install.erl, ["-noshell", "-eval", "erlang:halt()."], { timeout: 60_000 }, () => resolve()),
    );
    bare.push(performance.now() - s);
  }
  const boots: number[] = [];
  for (let i = 0; i < bootSamples; i++) {
    const s = performance.now();
    const one = await createPool({ size: 1, onNotice: () => {} });
    boots.push(performance.now() - s);
    await one.close();
  }
  const single = await createPool({ size: 1, onNotice: () => {} });
  const fresh: number[] = [];
  try {
    await single.run({ script: "1" });
    for (let i = 0; i < 10; i++) {
      const s = performance.now();
      await single.run({ script: "1" });
      fresh.push(performance.now() - s);
    }
  } finally {
    await single.close();
  }
  fresh.sort((a, b) => a - b);
  const sandbox = isolationPlan().sandbox;

  progress(`cold: ${n} \`elixir\` processes, ${parallelism} at a time`);
  const dir = mkdtempSync(join(tmpdir(), "otpforge-bench-"));
  try {
    const files = programs.map((p, i) => {
      const file = join(dir, `program_${i}.exs`);
      writeFileSync(file, `${p.module}\nresult = (\n${p.script})\nIO.puts(inspect(result))\n`);
      return { file, expected: p.expected };
    });
    t = performance.now();
    await inParallel(files, parallelism, async ({ file, expected }) => {
      const out = await new Promise<string>((resolve) => {
        execFile(install.elixir, [file], { timeout: 120_000, encoding: "utf8" }, (err, stdout) => resolve(err ? "" : stdout));
      });
      if (out.trim() !== expected) allCorrect = false;
    });
    const coldMs = performance.now() - t;
    const cold = { wallMs: coldMs, programsPerSecond: (n * 1000) / coldMs };
    return {
      machine: {
        cores: cpus().length,
        os: `${type()} ${release()}`,
        node: process.versions.node,
        elixir: install.elixirVersion,
        otp: install.otpRelease,
        loadAvg1m: loadavg()[0]!,
        sandbox,
      },
      n,
      parallelism,
      pool: poolSide,
      reuse,
      cold,
      ratio: poolSide.programsPerSecond / cold.programsPerSecond,
      bootMs: { bareErl: median(bare), sandboxedWorker: median(boots), samples: bootSamples },
      trivialRoundTripMs: { p50: percentile(trivial, 50), p90: percentile(trivial, 90), samples: trivial.length },
      freshJobMs: { p50: percentile(fresh, 50), p90: percentile(fresh, 90), samples: fresh.length },
      allCorrect,
    };
  } finally {
    // `dir` is the mkdtemp directory this bench made for its program files; nothing else is in it.
    rmSync(dir, { recursive: true, force: true });
  }
}
