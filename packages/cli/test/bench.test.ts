import { describe, expect, it } from "vitest";
import { benchProgram } from "@otpforge/beam";
import { formatBeamBench } from "../src/bench/beam.js";
import { cli } from "./helpers.js";

describe("otpforge bench", () => {
  it("lists the benchmarks when none or an unknown one is named", async () => {
    const none = await cli(["bench"]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("beam");
    const unknown = await cli(["bench", "warp-drive"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown benchmark "warp-drive"');
  });

  it("shows every benchmark's options in --help", async () => {
    const r = await cli(["bench", "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("otpforge bench beam [--n N]");
    expect(r.stdout).toContain("Examples:");
  });

  it("bench traces measures the old way and the explorer side by side, one JSON line each, and refuses a share the old way cannot build", async () => {
    const r = await cli(["bench", "traces", "--n", "7", "--runs", "2", "--seed", "bench-test", "--pool-size", "2", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const [runs, explore] = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(runs).toMatchObject({ observation: "runs", runs: 2, examples: 7, concurrentShare: 0 });
    expect(explore).toMatchObject({ observation: "explore", examples: 7, concurrentShare: 0 });
    expect(explore.worldsDropped.busy).toBe(0);
    // seconds is rounded to 10 ms: on a sub-second run that moves examples / seconds by up to ~1%.
    for (const m of [runs, explore])
      expect(Math.abs(m.examplesPerSecond - m.examples / m.seconds) / m.examplesPerSecond).toBeLessThan(0.02);
    expect(runs.preload && explore.preload).toBe(true);
    // The CPU figure counts the worker VMs (and the VMs they boot), not only this Node process.
    for (const m of [runs, explore]) expect(m.cpuSeconds).toBeGreaterThan(m.nodeCpuSeconds);
    const bad = await cli(["bench", "traces", "--observe", "runs", "--concurrent-share", "0.5"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("concurrent worlds are always explored");
    const badPreload = await cli(["bench", "traces", "--preload", "yes"]);
    expect(badPreload.code).toBe(2);
    expect(badPreload.stderr).toContain("--preload must be on, off or both");
  }, 240_000);

  it("bench traces --preload both measures the observer shipped per job beside it preloaded, same examples", async () => {
    const r = await cli([
      "bench",
      "traces",
      "--observe",
      "explore",
      "--preload",
      "both",
      "--n",
      "6",
      "--seed",
      "bench-test",
      "--pool-size",
      "2",
      "--json",
    ]);
    expect(r.code, r.stderr).toBe(0);
    const [shipped, preloaded] = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(shipped).toMatchObject({ observation: "explore", preload: false, examples: 6 });
    expect(preloaded).toMatchObject({ observation: "explore", preload: true, examples: 6 });
  }, 240_000);

  it("bench beam runs fresh VMs, reused VMs and cold processes on a few programs and reports throughputs, boot floor, round trips and memory", async () => {
    const r = await cli(["bench", "beam", "--n", "3", "--parallelism", "2", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as Parameters<typeof formatBeamBench>[0];
    expect(result.allCorrect).toBe(true);
    expect(result.n).toBe(3);
    expect(result.pool.programsPerSecond).toBeGreaterThan(0);
    expect(result.cold.programsPerSecond).toBeGreaterThan(0);
    expect(result.ratio).toBeCloseTo(result.pool.programsPerSecond / result.cold.programsPerSecond, 6);
    expect(result.pool.residentMBPerWorker).toHaveLength(2);
    expect(result.pool.residentMB).toBeGreaterThan(10);
    expect(result.trivialRoundTripMs.samples).toBe(200);
    expect(result.reuse.programsPerSecond).toBeGreaterThan(0);
    expect(result.bootMs.bareErl).toBeGreaterThan(0);
    expect(result.bootMs.sandboxedWorker).toBeGreaterThan(0);
    expect(result.freshJobMs.samples).toBe(10);
    expect(result.machine.sandbox).toBe(true);
    const text = formatBeamBench(result);
    expect(text).toContain("fresh-VM pool over cold processes: ");
    expect(text).toContain("boot floor (median of 5): bare erl");
  }, 300_000);

  it("bench beam's programs are real: each answers 3 * i", () => {
    expect(benchProgram(7).expected).toBe("21");
    expect(benchProgram(7).script).toContain("BenchCounter.start_link(7)");
  });
});
