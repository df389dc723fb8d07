// The scenario task compiled against execution: a scripted generator whose
// demos matter (with a verified scenario among its demos it writes verified
// ones; with a scenario whose bug never shows it writes such; with neither,
// one anti-pattern in three by chance) and the BEAM deciding every score.
// BootstrapFewShot keeps only scenarios the BEAM proved, and the compiled
// generator's acceptance on the dev anti-patterns beats zero-shot's.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createPool, type Pool } from "@otpforge/beam";
import { withSettings, type LMRequest } from "@otpforge/core";
import { ScriptedLM } from "@otpforge/core/testing";
import { demoAwareScenarioReply, scriptedScenarioAnswers } from "@otpforge/datasets/internal";
import { LabeledFewShot, compileTaskToDir } from "@otpforge/teleprompters";
import { scenarioTask } from "../src/index.js";

const noBug = scriptedScenarioAnswers()["no-bug"] as Record<string, string>;
const generator = () => new ScriptedLM((request: LMRequest) => demoAwareScenarioReply(request.messages));

let pool: Pool;
let dir: string;
beforeAll(async () => {
  pool = await createPool({ size: 2 });
  dir = mkdtempSync(join(tmpdir(), "otpforge-scenario-task-"));
});
afterAll(async () => {
  await pool.close();
});

describe("the scenario task", () => {
  it("compiles on the train anti-patterns, keeps only proved demos, and raises acceptance on dev above zero-shot; poisoned demos lower it", async () => {
    const task = scenarioTask({ pool, runs: 2 });
    const records = task.readRecords("catalog");
    const dev = records.filter((r) => r.split === "dev");
    expect(dev.length).toBeGreaterThan(0);
    const lm = generator();
    const out = await compileTaskToDir(task, {
      trainsetFile: "catalog",
      lm,
      optimizer: "bootstrap",
      maxBootstrappedDemos: 2,
      maxLabeledDemos: 0,
      scoreBaseline: true,
      out: join(dir, "build"),
    });
    expect(out.splits).toEqual({ train: "train", val: "dev" });
    const { baseline, val } = out.result.artifact.scores as { baseline: number; val: number };
    expect(val).toBeGreaterThan(baseline);
    // Every demo kept is a scenario the BEAM proved (checked again here, not trusted from compile).
    const demos = out.result.program.namedPredictors()[0]![1].demos as Array<Record<string, string>>;
    expect(demos.length).toBeGreaterThan(0);
    for (const d of demos) expect(((await task.metric({ data: d } as never, { outputs: d } as never)) as { score: number }).score).toBe(1);

    const score = (p: ReturnType<typeof task.program>) => withSettings({ lm }, () => task.evaluate(p, dev, { progress: false }));
    const zero = await score(task.program());
    const tuned = await score(out.result.program as ReturnType<typeof task.program>);
    expect(tuned.score).toBeGreaterThan(zero.score);
    expect(Object.keys(tuned.byCategory).sort()).toEqual(dev.map((r) => r.id).sort());
    // Demos whose bug never shows, given as labels: acceptance falls to none.
    const poisonedTrain = records
      .filter((r) => r.split === "train")
      .map((r) => task.toExample(r))
      .map((e) => e.with(noBug));
    const poisoned = await new LabeledFewShot({ k: 2 }).compile(task.program(), { trainset: poisonedTrain, seed: 0 });
    expect((await score(poisoned.program as ReturnType<typeof task.program>)).score).toBeLessThan(tuned.score);
  }, 300_000);
});
