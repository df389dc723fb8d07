// The trace observer as a preload (tracePreload) gives the very records the observer shipped
// into every job gives: same seed, same file, whether worlds are explored or run in real time
// with concurrent worlds in the mix. And untrusted code cannot call it: it is trusted-only.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPool, type Pool } from "@otpforge/beam";
import { buildTraceDataset, poolRunner, serializeTraceRecords, tracePreload, TRACE_OBSERVER_PRELOAD } from "@otpforge/datasets";
import { generateWorld, observeWorlds, runSeeds } from "../src/internal.js";

let pool: Pool;
beforeAll(async () => {
  pool = await createPool({ size: 2, preload: [tracePreload()] });
});
afterAll(async () => {
  await pool?.close();
});

describe("the trace observer preloaded", () => {
  it("gives the same dataset as the observer shipped in every job", { timeout: 300_000 }, async () => {
    expect(pool.preloads).toEqual([TRACE_OBSERVER_PRELOAD]);
    const sent = { preloaded: [] as string[], shipping: [] as string[] };
    const preloaded = poolRunner({
      run: (job) => (sent.preloaded.push(job.script ?? ""), pool.run(job)),
      size: 2,
      preloads: pool.preloads,
    });
    // The same pool without its preloads in view: the runner ships the observer's binaries.
    const shipping = poolRunner({ run: (job) => (sent.shipping.push(job.script ?? ""), pool.run(job)), size: 2 });
    const options = { n: 8, seed: "preload-test" };
    const a = await buildTraceDataset({ ...options, runner: preloaded });
    const b = await buildTraceDataset({ ...options, runner: shipping });
    expect(a.examples.length).toBe(8);
    expect(serializeTraceRecords(a.examples)).toBe(serializeTraceRecords(b.examples));
    // World jobs on the preloaded pool load nothing; without the preload every one loads the observer.
    const worldJobs = (scripts: string[]) => scripts.filter((s) => s.includes("OtpForge.Trace."));
    expect(worldJobs(sent.preloaded).length).toBeGreaterThan(0);
    expect(worldJobs(sent.preloaded).filter((s) => s.includes(":code.load_binary"))).toEqual([]);
    expect(worldJobs(sent.shipping).every((s) => s.includes(":code.load_binary"))).toBe(true);
  });

  it("observes worlds in real-time runs too (the batch job), answering every spec", { timeout: 120_000 }, async () => {
    const world = generateWorld(7, "easy");
    const specs = [{ family: "alive_at_end" as const }];
    const [obs] = await observeWorlds(poolRunner(pool), [{ world, specs: specs as never, seeds: runSeeds(7, 2) }]);
    expect(obs).not.toBeInstanceOf(Error);
    expect((obs as { runs: unknown[] }).runs).toHaveLength(2);
  });

  it("is refused to untrusted code", async () => {
    const r = await pool.run({ script: "OtpForge.Trace.Driver.max_lag_ms()" });
    expect(r.status, r.message).toBe("policy_violation");
    const ok = await pool.run({ trusted: true, script: "OtpForge.Trace.Driver.max_lag_ms()" });
    expect(ok.status, ok.message).toBe("ok");
  });
});
