import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LMRequest } from "@otpforge/core";
import { chatReply, FakeProviderServer, inputOf, type FakeRequest } from "@otpforge/core/testing";
import { fixBugCases } from "@otpforge/otp-signatures";
import { cli } from "./helpers.js";

// `otpforge eval fix-bug` end to end: the real OpenAI SDK client talks to the
// fake provider server, the candidate fixes run in the sandbox pool.

const cases = fixBugCases().filter((c) => ["calling-self", "lost-update-separate-calls", "duplicate-timers"].includes(c.id));

/** Fixes the two race/deadlock cases, returns the timer case unchanged. */
function handler(req: FakeRequest): string {
  const buggy = inputOf({ messages: req.messages } as LMRequest, "buggy_code")?.trim();
  const c = cases.find((x) => x.buggy_code.trim() === buggy);
  return chatReply({ fixed_code: c && c.id !== "duplicate-timers" ? c.reference_fix! : (c?.buggy_code ?? "") });
}

let server: FakeProviderServer;
let dir: string;
let data: string;
beforeAll(async () => {
  server = await FakeProviderServer.start({ handler });
  dir = await mkdtemp(join(tmpdir(), "otpforge-eval-"));
  data = join(dir, "fix-bug.jsonl");
  await writeFile(data, cases.map((c) => JSON.stringify(c)).join("\n") + "\n");
});
afterAll(async () => {
  await server?.close();
});

const env = () => ({
  ...process.env,
  OTPFORGE_LM: "",
  OPENAI_BASE_URL: server.openaiBaseURL,
  OPENAI_API_KEY: "sk-test-not-a-secret",
  OTPFORGE_CACHE_DIR: join(dir, "cache"),
});

describe("otpforge eval fix-bug", () => {
  it("grades every fix, prints the summary by category as JSON and writes the records", { timeout: 90_000 }, async () => {
    const out = join(dir, "records.jsonl");
    const r = await cli(["eval", "fix-bug", "--data", data, "--lm", "openai/gpt-4o-mini", "--runs", "2", "--out", out, "--json"], env());
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result).toMatchObject({ task: "fix-bug", n: 3, errors: 0 });
    expect(result.score).toBeCloseTo(2 / 3);
    expect(result.byCategory).toEqual({ deadlock: { n: 1, score: 1 }, race: { n: 1, score: 1 }, timers: { n: 1, score: 0 } });
    const records = (await readFile(out, "utf8")).trim().split("\n").map((l) => JSON.parse(l));
    expect(records.map((x: { id: string; passed: boolean }) => [x.id, x.passed])).toEqual([
      ["lost-update-separate-calls", true],
      ["calling-self", true],
      ["duplicate-timers", false],
    ]);
    expect(JSON.stringify(records)).not.toContain("sk-test");
  });

  it("prints a text summary", { timeout: 90_000 }, async () => {
    const r = await cli(["eval", "fix-bug", "--data", data, "--lm", "openai/gpt-4o-mini", "--runs", "1"], env());
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^fix-bug: 66\.7% over 3 examples/);
    expect(r.stdout).toMatch(/^ +timers +1 +0\.0%$/m);
  });

  it("exits 2 when no model is configured, saying how to set one", async () => {
    const r = await cli(["eval", "fix-bug", "--data", "catalog"], { ...process.env, OTPFORGE_LM: "" });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("No language model is configured");
  });

  it("exits 2 on bad data, an unknown task or a missing --data", async () => {
    const bad = join(dir, "bad.jsonl");
    await writeFile(bad, "{not json}\n");
    const r1 = await cli(["eval", "fix-bug", "--data", bad, "--lm", "openai/gpt-4o-mini"], env());
    expect(r1.code).toBe(2);
    expect(r1.stderr).toMatch(/bad\.jsonl:1: not valid JSON/);

    const r2 = await cli(["eval", "poetry", "--data", data], env());
    expect(r2.code).toBe(2);
    expect(r2.stderr).toContain('unknown eval "poetry"');

    const r3 = await cli(["eval", "fix-bug"], env());
    expect(r3.code).toBe(2);
    expect(r3.stderr).toContain("--data is required");
  });
});
