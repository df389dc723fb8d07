import { describe, it, expect } from "vitest";
import { mkdtemp, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LM } from "@otpforge/core";
import { BootstrapFewShot, BootstrapFewShotWithRandomSearch, type CompileOptions } from "../src/index.js";
import { BudgetExceeded, artifactContent } from "../src/internal.js";
import { SpellProgram, exactAnswer, spellingLM, trainset } from "./helpers/qa.js";

const tempDir = () => mkdtemp(join(tmpdir(), "otpforge-run-"));
const bootstrap = () => new BootstrapFewShot({ metric: exactAnswer, maxBootstrappedDemos: 4, maxLabeledDemos: 6, maxRounds: 2 });
const LM_OPTS = { wrong: ["alpha", "echo"], wrongOnlyCold: ["charlie"] };
const base = (lm: LM): CompileOptions => ({ trainset: trainset(12), valset: trainset(4, 12), lm, seed: 5, concurrency: 4 });

describe("checkpoint and resume", () => {
  it("continues a crashed BootstrapFewShot run and ends with the same artifact as an uninterrupted one", async () => {
    const fullLM = spellingLM(LM_OPTS);
    const full = await bootstrap().compile(new SpellProgram(), base(fullLM));

    const dir = await tempDir();
    const crash = new AbortController();
    const crashedLM = spellingLM(LM_OPTS);
    const crashed = bootstrap().compile(new SpellProgram(), {
      ...base(crashedLM),
      checkpointDir: dir,
      signal: crash.signal,
      onProgress: (e) => {
        if (e.phase === "bootstrap" && e.done >= 3) crash.abort(new Error("simulated crash"));
      },
    });
    await expect(crashed).rejects.toThrow("simulated crash");
    expect(await readdir(dir)).toHaveLength(1);

    const resumedLM = spellingLM(LM_OPTS);
    const resumed = await bootstrap().compile(new SpellProgram(), { ...base(resumedLM), checkpointDir: dir });
    expect(resumed.resumedSteps).toBeGreaterThanOrEqual(3);
    expect(artifactContent(resumed.artifact)).toEqual(artifactContent(full.artifact));
    // The finished examples were not asked again.
    expect(resumedLM.calls).toBeLessThan(fullLM.calls);
    // A finished run removes its checkpoint.
    expect(await readdir(dir)).toEqual([]);
  });

  it("continues a crashed random search after its last scored candidate", async () => {
    const search = () =>
      new BootstrapFewShotWithRandomSearch({ metric: exactAnswer, maxBootstrappedDemos: 3, maxLabeledDemos: 4, numCandidates: 3 });
    const full = await search().compile(new SpellProgram(), base(spellingLM(LM_OPTS)));
    expect(full.leaderboard.map((c) => c.id).sort()).toEqual(["bootstrap", "labeled", "shuffle-0", "shuffle-1", "shuffle-2", "zero-shot"]);

    const dir = await tempDir();
    const crash = new AbortController();
    await expect(
      search().compile(new SpellProgram(), {
        ...base(spellingLM(LM_OPTS)),
        checkpointDir: dir,
        signal: crash.signal,
        onProgress: (e) => {
          if (e.candidate === "shuffle-1") crash.abort(new Error("simulated crash"));
        },
      }),
    ).rejects.toThrow("simulated crash");

    const resumedLM = spellingLM(LM_OPTS);
    const resumed = await search().compile(new SpellProgram(), { ...base(resumedLM), checkpointDir: dir });
    expect(artifactContent(resumed.artifact)).toEqual(artifactContent(full.artifact));
    // zero-shot, labeled, bootstrap and shuffle-0 were scored before the crash and not evaluated again.
    expect(resumed.resumedSteps).toBeGreaterThanOrEqual(4);
  });

  it("does not reuse a checkpoint when the data or options change", async () => {
    const dir = await tempDir();
    const crash = new AbortController();
    await bootstrap()
      .compile(new SpellProgram(), {
        ...base(spellingLM(LM_OPTS)),
        checkpointDir: dir,
        signal: crash.signal,
        onProgress: () => crash.abort(new Error("stop")),
      })
      .catch(() => undefined);
    const other = await bootstrap().compile(new SpellProgram(), { ...base(spellingLM(LM_OPTS)), seed: 6, checkpointDir: dir });
    expect(other.resumedSteps).toBe(0);
  });
});

/** An LM that reports a price per call, so maxCost can be enforced. */
function priced(lm: LM, costUSD: number): LM {
  return { id: lm.id, generate: async (r) => ({ ...(await lm.generate(r)), costUSD }) };
}

describe("budgets", () => {
  const allRight = () => spellingLM({ latency: false });

  it("maxLMCalls stops the run with the best program so far and says which budget stopped it", async () => {
    const lm = allRight();
    const result = await new BootstrapFewShot({ metric: exactAnswer, maxBootstrappedDemos: 6, maxLabeledDemos: 6 }).compile(
      new SpellProgram(),
      {
        ...base(lm),
        concurrency: 1,
        budget: { maxLMCalls: 3 },
      },
    );
    expect(lm.calls).toBe(3);
    expect(result.stoppedBy).toMatchObject({ budget: "maxLMCalls", limit: 3 });
    expect(result.artifact.stoppedBy).toEqual(result.stoppedBy);
    // The three bootstrapped examples are kept; labeled examples fill the rest; no val score was possible.
    expect(result.program.answer.demos.slice(0, 3).map((d) => d.question)).toEqual(["spell alpha", "spell bravo", "spell charlie"]);
    expect(result.program.answer.demos).toHaveLength(6);
    expect(result.artifact.scores.val).toBeUndefined();
    expect(result.spend.calls).toBe(3);
  });

  it("maxTokens stops the run", async () => {
    const lm = allRight();
    const result = await bootstrap().compile(new SpellProgram(), { ...base(lm), concurrency: 1, budget: { maxTokens: 200 } });
    expect(result.stoppedBy).toMatchObject({ budget: "maxTokens", limit: 200 });
    expect(result.stoppedBy!.used).toBeGreaterThanOrEqual(200);
    expect(lm.calls).toBeLessThan(12);
  });

  it("maxCost stops the run", async () => {
    const lm = allRight();
    const result = await bootstrap().compile(new SpellProgram(), { ...base(priced(lm, 0.01)), concurrency: 1, budget: { maxCost: 0.025 } });
    expect(result.stoppedBy).toMatchObject({ budget: "maxCost", limit: 0.025 });
    expect(lm.calls).toBe(3);
  });

  it("a random search stopped by a budget returns its best complete candidate and keeps the checkpoint", async () => {
    const dir = await tempDir();
    const search = () =>
      new BootstrapFewShotWithRandomSearch({ metric: exactAnswer, maxBootstrappedDemos: 2, maxLabeledDemos: 2, numCandidates: 2 });
    const lm = allRight();
    const stopped = await search().compile(new SpellProgram(), { ...base(lm), checkpointDir: dir, budget: { maxLMCalls: 10 } });
    expect(stopped.stoppedBy?.budget).toBe("maxLMCalls");
    expect(lm.calls).toBe(10);
    // zero-shot (4 val calls) and labeled (4) finished; bootstrap ran out during its own work.
    expect(stopped.leaderboard.map((c) => c.id).sort()).toEqual(["labeled", "zero-shot"]);
    expect(await readdir(dir)).toHaveLength(1);

    // Rerun with a larger budget: it continues and ends where an unlimited run ends.
    const unlimited = await search().compile(new SpellProgram(), base(allRight()));
    const continued = await search().compile(new SpellProgram(), { ...base(allRight()), checkpointDir: dir, budget: { maxLMCalls: 1000 } });
    expect(continued.stoppedBy).toBeNull();
    expect(artifactContent(continued.artifact)).toEqual(artifactContent(unlimited.artifact));
  });

  it("counts the calls of predictors that carry their own LM", async () => {
    const own = allRight();
    const student = new SpellProgram();
    student.answer.lm = own;
    const result = await bootstrap().compile(student, { trainset: trainset(8), concurrency: 1, budget: { maxLMCalls: 2 } });
    expect(own.calls).toBe(2);
    expect(result.stoppedBy?.budget).toBe("maxLMCalls");
    // The compiled program keeps the user's LM, not the run's budget wrapper.
    expect(result.program.answer.lm).toBe(own);
  });

  it("a BudgetExceeded names the budget and how to continue", () => {
    expect(new BudgetExceeded("maxLMCalls", 3, 3).message).toMatch(/budget maxLMCalls \(3\) is used up.*Raise the budget/);
  });
});
