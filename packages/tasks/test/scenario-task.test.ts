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
import { hashValue, withSettings, type LMRequest } from "@otpforge/core";
import { chatFields, chatReply, ScriptedLM } from "@otpforge/core/testing";
import { scriptedScenarioAnswers } from "@otpforge/datasets/internal";
import { LabeledFewShot, compileTaskToDir } from "@otpforge/teleprompters";
import { scenarioTask } from "../src/index.js";

const answers = scriptedScenarioAnswers();
const moduleName = (text: string) => "Svc" + hashValue(text).slice(0, 6).replace(/[0-9]/g, (d) => "ABCDEFGHIJ"[Number(d)]!).toUpperCase();
const valid = (antiPattern: string) => {
  const a = answers["valid-a"]!;
  const name = moduleName(antiPattern);
  return { buggy_code: a.buggy_code!.replaceAll("Lobby", name), fixed_code: a.fixed_code!.replaceAll("Lobby", name), explanation: a.explanation!, harness: a.harness!.replaceAll("Lobby", name) };
};
const noBug = answers["no-bug"] as Record<string, string>;

function generator() {
  return new ScriptedLM((request: LMRequest) => {
    const users = request.messages.map((m, i) => ({ m, i })).filter(({ m }) => m.role === "user");
    const query = chatFields(users.at(-1)!.m.content).anti_pattern ?? "";
    const demos = users.slice(0, -1).map(({ i }) => chatFields(request.messages[i + 1]?.content ?? "").buggy_code ?? "");
    const good = demos.some((d) => d.includes(".members() |> Enum.reduce"));
    const bad = demos.some((d) => d.includes("defmodule Tally"));
    const lucky = parseInt(hashValue(query).slice(0, 8), 16) / 0xffffffff < 1 / 3;
    return chatReply(bad ? noBug : good || lucky ? valid(query) : noBug);
  });
}

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
    const out = await compileTaskToDir(task, { trainsetFile: "catalog", lm, optimizer: "bootstrap", maxBootstrappedDemos: 2, maxLabeledDemos: 0, scoreBaseline: true, out: join(dir, "build") });
    expect(out.splits).toEqual({ train: "train", val: "dev" });
    const { baseline, val } = out.result.artifact.scores as { baseline: number; val: number };
    expect(val).toBeGreaterThan(baseline);
    // Every demo kept is a scenario the BEAM proved (checked again here, not trusted from compile).
    const demos = out.result.program.namedPredictors()[0]![1].demos as Array<Record<string, string>>;
    expect(demos.length).toBeGreaterThan(0);
    for (const d of demos) expect((await task.metric({ data: d } as never, { outputs: d } as never) as { score: number }).score).toBe(1);

    const score = (p: ReturnType<typeof task.program>) => withSettings({ lm }, () => task.evaluate(p, dev, { progress: false }));
    const zero = await score(task.program());
    const tuned = await score(out.result.program as ReturnType<typeof task.program>);
    expect(tuned.score).toBeGreaterThan(zero.score);
    expect(Object.keys(tuned.byCategory).sort()).toEqual(dev.map((r) => r.id).sort());
    // Demos whose bug never shows, given as labels: acceptance falls to none.
    const poisonedTrain = records.filter((r) => r.split === "train").map((r) => task.toExample(r)).map((e) => e.with(noBug));
    const poisoned = await new LabeledFewShot({ k: 2 }).compile(task.program(), { trainset: poisonedTrain, seed: 0 });
    expect((await score(poisoned.program as ReturnType<typeof task.program>)).score).toBeLessThan(tuned.score);
  }, 300_000);
});
