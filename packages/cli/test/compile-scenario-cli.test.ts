// `otpforge compile scenario` over real HTTP against the fake OpenAI server
// playing a scripted generator whose demos matter (demoAwareScenarioReply):
// the BEAM scores every scenario, and the compile report shows acceptance
// zero-shot beside compiled for each dev anti-pattern.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FakeProviderServer } from "@otpforge/core/testing";
import { demoAwareScenarioReply } from "@otpforge/datasets/internal";
import { scenarioTask } from "@otpforge/tasks";
import { cli } from "./helpers.js";

let server: FakeProviderServer;
let dir: string;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  server = await FakeProviderServer.start({ handler: (req) => demoAwareScenarioReply(req.messages) });
  dir = mkdtempSync(join(tmpdir(), "otpforge-compile-scenario-"));
  env = {
    PATH: process.env.PATH,
    OPENAI_API_KEY: "sk-test-scenario",
    OPENAI_BASE_URL: server.openaiBaseURL,
    OTPFORGE_CACHE_DIR: join(dir, "cache"),
  };
});
afterAll(async () => {
  await server?.close();
});

describe("otpforge compile scenario", () => {
  it("raises acceptance on the dev anti-patterns and the report shows it per anti-pattern", { timeout: 300_000 }, async () => {
    const r = await cli(
      [
        "compile",
        "scenario",
        "--trainset",
        "catalog",
        "--lm",
        "openai/gpt-4o-mini",
        "--max-demos",
        "2",
        "--max-labeled",
        "0",
        "--runs",
        "2",
        "--out",
        "build/s",
        "--report",
        "compile.html",
        "--json",
      ],
      env,
      dir,
    );
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({ task: "scenario", splits: { train: "train", val: "dev" } });
    expect(summary.scores.val).toBeGreaterThan(summary.scores.baseline);
    const html = readFileSync(join(dir, "compile.html"), "utf8");
    const dev = scenarioTask()
      .readRecords("catalog")
      .filter((t) => t.split === "dev");
    // One bar per dev anti-pattern for each of zero-shot and compiled.
    for (const t of dev)
      for (const series of ["zero-shot", "compiled"]) expect(html).toContain(`data-series="${series}" data-group="${t.id}"`);

    // The compiled generator on the held-out test anti-patterns, per anti-pattern.
    const test = scenarioTask()
      .readRecords("catalog")
      .filter((t) => t.split === "test");
    const e = await cli(
      ["eval", "scenario", "--data", "catalog", "--program", "build/s", "--lm", "openai/gpt-4o-mini", "--runs", "2", "--json"],
      env,
      dir,
    );
    expect(e.code).toBe(0);
    const scored = JSON.parse(e.stdout);
    expect(scored).toMatchObject({ split: "test", n: test.length, score: 1 });
    expect(Object.keys(scored.byCategory).sort()).toEqual(test.map((t) => t.id).sort());
  });
});
