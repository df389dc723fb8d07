import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FakeProviderServer } from "@otpforge/core/testing";
import type { TraceRecord } from "@otpforge/otp-signatures";
import { traceDemoHandler } from "@otpforge/tasks/testing";
import { cli } from "./helpers.js";

// The demo's model steps, end to end over HTTP against the fake OpenAI server.
// The fake model is the demo-aware one (@otpforge/tasks/testing): right only
// when a correct demo of the question's family is in the prompt, wrong when a
// demo of that family is wrong, otherwise right on a third of the questions.
// So the compiled program beats zero-shot only if its demos are right.
const dir = mkdtempSync(join(tmpdir(), "otpforge-demo-"));
let server: FakeProviderServer;
let gold: TraceRecord[] | undefined;
const answer = traceDemoHandler(
  () =>
    (gold ??= readFileSync(join(dir, "out", "demo", "traces.jsonl"), "utf8")
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l))),
);

beforeAll(async () => {
  server = await FakeProviderServer.start({ handler: answer });
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("otpforge demo", () => {
  it("with OTPFORGE_LM set: compiles, evaluates, publishes under artifacts/ and writes reports/demo.html", async () => {
    const env = {
      PATH: process.env.PATH,
      OTPFORGE_LM: "openai/gpt-4o-mini",
      OPENAI_API_KEY: "sk-demo-test-secret",
      OPENAI_BASE_URL: server.openaiBaseURL,
      OTPFORGE_CACHE_DIR: join(dir, "cache"),
    };
    const r = await cli(["demo", "--json", "--n", "40", "--runs", "2", "--catalog-runs", "1", "--eval-n", "8"], env, dir);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.dataset.examples).toBe(40);
    expect(summary.catalog.ok).toBe(true);
    // Step 3: the brief's counter has one outcome, the real lost update two, both explored completely.
    expect(summary.explore.map((e: { outcomes: string[]; complete: boolean }) => [e.outcomes, e.complete])).toEqual([
      [["2"], true],
      [["1", "2"], true],
    ]);
    expect(summary.model.lm).toBe("openai/gpt-4o-mini");
    expect(summary.model.zeroShot).toBeLessThan(100);
    expect(summary.model.compiled).toBeGreaterThan(summary.model.zeroShot);
    expect(existsSync(join(summary.model.artifact, "artifact.json"))).toBe(true);
    expect(summary.model.artifact.startsWith(join(dir, "artifacts"))).toBe(true);
    const html = readFileSync(join(dir, "reports", "demo.html"), "utf8");
    expect(html).toContain("zero-shot");
    expect(html).toContain("Compiled prompt");
    // The key never reaches artifacts or reports.
    expect(readFileSync(join(summary.model.artifact, "artifact.json"), "utf8")).not.toContain("sk-demo-test-secret");
    expect(html).not.toContain("sk-demo-test-secret");
    expect(server.requests.length).toBeGreaterThan(0);
  }, 600_000);
});

describe("otpforge demo with a bad model name", () => {
  it("exits 2 at once, naming the valid provider prefixes", async () => {
    const r = await cli(["demo", "--n", "4"], { PATH: process.env.PATH, OTPFORGE_LM: "frobozz/model-1" }, dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("openai/");
    expect(r.stderr).toContain("anthropic/");
  });
});
