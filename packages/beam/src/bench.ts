// The pool against the way MultiPL-E-style harnesses run code: one cold
// `elixir` OS process per program. The same N small programs (each compiles a
// GenServer and makes a few calls) both ways, in one run, same parallelism.
import { execFile } from "node:child_process";
import { readFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, release, tmpdir, type } from "node:os";
import { join } from "node:path";
import { findElixir } from "./elixir.js";
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
  machine: { cores: number; os: string; node: string; elixir: string; otp: string; loadAvg1m: number };
  n: number;
  parallelism: number;
  pool: { startMs: number; wallMs: number; programsPerSecond: number; residentMB: number; residentMBPerWorker: number[] };
  cold: { wallMs: number; programsPerSecond: number };
  ratio: number;
  trivialRoundTripMs: { p50: number; p90: number; samples: number };
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

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Resident memory of OS processes, from /proc (Linux). */
function residentMB(pids: number[]): number[] {
  return pids.map((pid) => {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
      return m ? Number(m[1]) / 1024 : 0;
    } catch {
      return 0;
    }
  });
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
  const pool = await createPool({ size: parallelism });
  const startMs = performance.now() - t;
  let poolSide: BeamBenchResult["pool"];
  let trivial: number[] = [];
  try {
    // Warm-up outside the measurement: first compile loads the compiler's modules.
    await Promise.all(Array.from({ length: parallelism * 2 }, (_, i) => pool.run({ files: [{ name: "bench_counter.ex", source: programs[0]!.module }], script: programs[i % n]!.script })));
    progress(`pool: ${n} programs`);
    t = performance.now();
    const results = await Promise.all(programs.map((p) => pool.run({ files: [{ name: "bench_counter.ex", source: p.module }], script: p.script })));
    const wallMs = performance.now() - t;
    results.forEach((r, i) => {
      if (r.status !== "ok" || r.value !== programs[i]!.expected) allCorrect = false;
    });
    const rss = residentMB(pool.osPids());
    poolSide = {
      startMs,
      wallMs,
      programsPerSecond: (n * 1000) / wallMs,
      residentMB: rss.reduce((a, b) => a + b, 0),
      residentMBPerWorker: rss,
    };
    progress("pool: round trips of a trivial job");
    for (let i = 0; i < 20; i++) await pool.run({ script: "1" });
    for (let i = 0; i < (options.roundTrips ?? 200); i++) {
      const s = performance.now();
      await pool.run({ script: "1" });
      trivial.push(performance.now() - s);
    }
  } finally {
    await pool.close();
  }
  trivial = trivial.sort((a, b) => a - b);

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
      },
      n,
      parallelism,
      pool: poolSide,
      cold,
      ratio: poolSide.programsPerSecond / cold.programsPerSecond,
      trivialRoundTripMs: { p50: percentile(trivial, 50), p90: percentile(trivial, 90), samples: trivial.length },
      allCorrect,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
