import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createPool, type JobRunner } from "@otpforge/beam";
import { lm, type LMRequest } from "@otpforge/core";
import { chatReply, FakeProviderServer, inputOf, ScriptedLM, type FakeRequest } from "@otpforge/core/testing";
import { fixBugCases, FixBugProgram, type FixBugCase } from "@otpforge/otp-signatures";
import { evalFixBug, FixBugDataError, gradeFix, readFixBugCases } from "../src/index.js";

let pool: JobRunner & { close(): Promise<void> };
beforeAll(async () => {
  pool = await createPool({ size: 2 });
});
afterAll(async () => {
  await pool?.close();
});

const ids = ["calling-self", "lost-update-separate-calls", "ets-read-then-write", "wrong-restart-strategy"];
const cases: FixBugCase[] = fixBugCases().filter((c) => ids.includes(c.id));

/**
 * A model that fixes some cases (answers the reference fix, fenced like a
 * chatty model would) and "fixes" the others by returning the buggy code.
 */
function answer(buggyCode: string | undefined, fixes: string[]): string {
  const c = cases.find((x) => x.buggy_code.trim() === (buggyCode ?? "").trim());
  if (!c) return chatReply({ fixed_code: "no idea" });
  return chatReply({ fixed_code: fixes.includes(c.id) ? "```elixir\n" + c.reference_fix + "```" : c.buggy_code });
}

const byId = (id: string) => cases.find((x) => x.id === id)!;

describe("gradeFix", () => {
  const c = byId("calling-self");
  it("passes the reference fix and fails the buggy code in every run", async () => {
    expect(await gradeFix(c.reference_fix!, c.harness, { pool, runs: 2 })).toMatchObject({
      status: "passed",
      passed: true,
      runs: 2,
      failures: 0,
    });
    const bad = await gradeFix(c.buggy_code, c.harness, { pool, runs: 2 });
    expect(bad).toMatchObject({ status: "failed", passed: false, runs: 2, failures: 2, failureRate: 1, failedCheck: "fail_to_pass" });
    expect(bad.reason).toMatch(/^fail_to_pass: failed 2 of 2 runs; seed 1: /);
    expect(bad.firstFailure).toMatch(/calling_self/);
  });

  it("tells an empty answer, a policy violation and a compile error apart", async () => {
    expect(await gradeFix("  ", c.harness, { pool })).toMatchObject({ status: "empty", passed: false });
    const policy = await gradeFix(
      c.reference_fix!.replace("def init(items), do: {:ok, items}", "def init(items), do: {:ok, System.get_env()}"),
      c.harness,
      { pool, runs: 1 },
    );
    expect(policy).toMatchObject({ status: "policy_violation", passed: false });
    expect(policy.reason).toMatch(/^the fix breaks the sandbox policy/);
    const broken = await gradeFix("defmodule Cart do\n  def total(, do: 1\nend\n", c.harness, { pool, runs: 1 });
    expect(broken).toMatchObject({ status: "compile_error", passed: false });
    expect(broken.reason).toMatch(/^the fix does not compile/);
  });
});

describe("evalFixBug", () => {
  it("grades each fix by the held-out harness and summarises by category (ScriptedLM)", async () => {
    const model = new ScriptedLM((req: LMRequest) =>
      answer(inputOf(req, "buggy_code"), ["calling-self", "ets-read-then-write", "wrong-restart-strategy"]),
    );
    const program = new FixBugProgram();
    program.fix.lm = model;
    const result = await evalFixBug(program, cases, { pool, runs: 2, concurrency: 2 });

    expect(result.task).toBe("fix-bug");
    expect(result.n).toBe(4);
    expect(result.errors).toBe(0);
    expect(result.score).toBeCloseTo(3 / 4);
    expect(result.byCategory).toMatchObject({
      deadlock: { n: 1, score: 1 },
      race: { n: 2, score: 0.5 },
      supervision: { n: 1, score: 1 },
    });
    const byId = Object.fromEntries(result.records.map((r) => [r.id, r]));
    expect(byId["lost-update-separate-calls"]).toMatchObject({ score: 0, passed: false, status: "failed", failures: 2 });
    expect(byId["calling-self"]).toMatchObject({ score: 1, passed: true, status: "passed", runs: 2 });
    // The fence is gone from the graded code, and the program never saw the harness or the reference fix.
    expect(byId["calling-self"]!.fixed_code!.startsWith("defmodule Cart")).toBe(true);
    const prompts = model.requests.map((r) => r.messages.map((m) => m.content).join("\n")).join("\n");
    expect(prompts).not.toContain("defmodule Scenario");
    for (const x of cases) expect(prompts).not.toContain(x.reference_fix!);
  });

  it("runs end to end against the fake OpenAI server", async () => {
    const server = await FakeProviderServer.start({
      handler: (req: FakeRequest) => answer(lastInput(req, "buggy_code"), ["lost-update-separate-calls", "ets-read-then-write"]),
    });
    try {
      const cacheDir = await mkdtemp(join(tmpdir(), "otpforge-fixbug-cache-"));
      const program = new FixBugProgram();
      program.fix.lm = lm("openai/gpt-4o-mini", { baseURL: server.openaiBaseURL, apiKey: "sk-test-not-a-secret", cacheDir });
      const result = await evalFixBug(program, cases, { pool, runs: 2 });
      expect(server.requests.length).toBe(4);
      expect(result.byCategory["race"]).toMatchObject({ n: 2, score: 1 });
      expect(result.byCategory["deadlock"]).toMatchObject({ n: 1, score: 0 });
      expect(result.score).toBeCloseTo(2 / 4);
    } finally {
      await server.close();
    }
  });

  it("records a program error as a failed example instead of aborting", async () => {
    const program = new FixBugProgram();
    program.fix.lm = new ScriptedLM("this is not in the expected format");
    const result = await evalFixBug(program, [byId("calling-self")], { pool, runs: 1 });
    expect(result.errors).toBe(1);
    expect(result.records[0]).toMatchObject({ id: "calling-self", score: 0, passed: false });
    expect(result.records[0]!.error).toBeTruthy();
  });
});

describe("readFixBugCases", () => {
  it("reads JSONL cases and says which line is wrong", async () => {
    const dir = await mkdtemp(join(tmpdir(), "otpforge-fixbug-data-"));
    const good = join(dir, "good.jsonl");
    await writeFile(good, cases.map((c) => JSON.stringify(c)).join("\n") + "\n\n");
    expect(readFixBugCases(good)).toEqual(cases);

    const bad = join(dir, "bad.jsonl");
    await writeFile(bad, JSON.stringify(cases[0]) + "\n" + JSON.stringify({ id: "x", buggy_code: "y" }) + "\n");
    expect(() => readFixBugCases(bad)).toThrow(FixBugDataError);
    expect(() => readFixBugCases(bad)).toThrow(/bad\.jsonl:2: .*explanation/);
    expect(() => readFixBugCases(join(dir, "missing.jsonl"))).toThrow(/Cannot read fix-bug data/);
  });
});

/** The fake server's view of an input field (same layout as inputOf for ScriptedLM). */
function lastInput(req: FakeRequest, name: string): string | undefined {
  return inputOf({ messages: req.messages } as LMRequest, name);
}
