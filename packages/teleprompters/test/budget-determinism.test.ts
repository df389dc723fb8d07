// The same seed gives the same artifact at any concurrency, also when a budget
// stops the run part-way: a budget is spent in the order a sequential run
// would spend it, so speculative work never takes what an earlier step needs.
import { describe, it, expect } from "vitest";
import type { LM } from "@otpforge/core";
import { BootstrapFewShot, BootstrapFewShotWithRandomSearch, type Budget, type CompileOptions } from "../src/index.js";
import { artifactContent } from "../src/internal.js";
import { SpellProgram, exactAnswer, spellingLM, trainset } from "./helpers/qa.js";

/** Alpha and echo are answered wrong, so bootstrapping must look past them. */
const lmOf = () => spellingLM({ wrong: ["alpha", "echo"] });
const priced = (lm: LM): LM => ({ id: lm.id, generate: async (r) => ({ ...(await lm.generate(r)), costUSD: 0.01 }) });
const data = (lm: LM): CompileOptions => ({ trainset: trainset(12), valset: trainset(4, 12), lm, seed: 7 });

const optimizers = {
  bootstrap: () => new BootstrapFewShot({ metric: exactAnswer, maxBootstrappedDemos: 3, maxLabeledDemos: 4 }),
  "random-search": () =>
    new BootstrapFewShotWithRandomSearch({ metric: exactAnswer, maxBootstrappedDemos: 2, maxLabeledDemos: 3, numCandidates: 2 }),
};

async function compileAt(which: keyof typeof optimizers, concurrency: number, budget: Budget) {
  const lm = budget.maxCost !== undefined ? priced(lmOf()) : lmOf();
  return optimizers[which]().compile(new SpellProgram(), { ...data(lm), concurrency, budget });
}

describe("a budget stops the run at the same point at every concurrency", () => {
  for (const which of Object.keys(optimizers) as Array<keyof typeof optimizers>) {
    // Each limit is below what the whole run needs, so the budget really stops it part-way.
    const budgets: Array<[string, (full: { calls: number; tokens: number }) => Budget]> = [
      ["maxLMCalls", (f) => ({ maxLMCalls: Math.floor(f.calls * 0.6) })],
      ["maxTokens", (f) => ({ maxTokens: Math.floor(f.tokens * 0.6) })],
      ["maxCost", (f) => ({ maxCost: Math.floor(f.calls * 0.6) * 0.01 })],
    ];
    for (const [name, limit] of budgets) {
      it(`${which} under ${name}: concurrency 1 and 8 give one artifact`, async () => {
        const full = await compileAt(which, 1, {});
        expect(full.stoppedBy).toBeNull();
        const budget = limit(full.spend);
        const one = await compileAt(which, 1, budget);
        const eight = await compileAt(which, 8, budget);
        expect(one.stoppedBy?.budget).toBe(name);
        expect(artifactContent(eight.artifact)).toEqual(artifactContent(one.artifact));
        expect(eight.spend.calls).toBe(one.spend.calls);
        // The stopped run still kept work done, so the comparison is not between two empty programs.
        if (which === "bootstrap") expect(one.program.answer.demos.length).toBeGreaterThan(0);
        else expect(one.leaderboard.length).toBeGreaterThanOrEqual(2);
      });
    }
  }

  it("a call budget the sequential run fits in suffices at concurrency 8 too (speculative calls take none of it)", async () => {
    const run = (concurrency: number, budget: Budget) =>
      new BootstrapFewShot({ metric: exactAnswer, maxBootstrappedDemos: 4, maxLabeledDemos: 4 }).compile(new SpellProgram(), {
        ...data(lmOf()),
        concurrency,
        budget,
      });
    const needed = (await run(1, {})).spend.calls;
    const one = await run(1, { maxLMCalls: needed });
    const eight = await run(8, { maxLMCalls: needed });
    expect(one.stoppedBy).toBeNull();
    expect(eight.stoppedBy).toBeNull();
    // Alpha and echo are wrong, so bravo, charlie, delta and foxtrot are bootstrapped, and the val score exists.
    expect(eight.program.answer.demos.map((d) => d.question)).toEqual(["spell bravo", "spell charlie", "spell delta", "spell foxtrot"]);
    expect(eight.artifact.scores.val).toBe(100);
    expect(artifactContent(eight.artifact)).toEqual(artifactContent(one.artifact));
  });
});
