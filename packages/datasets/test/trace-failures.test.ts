import { describe, expect, it } from "vitest";
import { buildTraceDataset, type ElixirRunner } from "@otpforge/datasets";

/** A runner (a plain one: it cannot explore) whose BEAM answers the set-up jobs but fails every world batch. */
function failingRunner(): ElixirRunner & { batches: number } {
  const r = {
    parallelism: 1,
    batches: 0,
    async run(job: { script: string }) {
      if (job.script.includes("System.version()")) return { ok: true as const, value: "1.14.0 25" };
      if (job.script.includes("@@module ")) {
        const mods = ["OtpForge.Trace.Driver", "OtpForge.Trace.Observe", "OtpForge.Trace.Batch", "OtpForge.Trace.Explored"];
        return { ok: true as const, value: mods.map((m) => `@@module Elixir.${m} AAAA`).join("\n") };
      }
      r.batches++;
      return { ok: false as const, message: "crashed: the worker died" };
    },
  };
  return r;
}

describe("trace dataset failures", () => {
  it("stops with the BEAM's message when worlds keep failing, instead of running to the world budget", async () => {
    const runner = failingRunner();
    await expect(buildTraceDataset({ n: 10, seed: "f", runner, batchSize: 3 })).rejects.toThrow(
      /12 worlds in a row could not be observed; the last said: crashed: the worker died/,
    );
    expect(runner.batches).toBeLessThan(10);
  });
});
