import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FakeProviderServer, type FakeRequest } from "@otpforge/core/testing";
import { cli } from "./helpers.js";

// The demo's model steps, end to end over HTTP against the fake OpenAI server.
// The fake model answers a trace question correctly only when its prompt holds
// demos (assistant turns before the question): so the compiled program, whose
// prompt carries bootstrapped demos, must beat the zero-shot one.
const dir = mkdtempSync(join(tmpdir(), "otpforge-demo-"));
let server: FakeProviderServer;
let gold: Array<{ question: string; event_trace: string; answer: string }> | undefined;

function answer(req: FakeRequest): string {
  gold ??= readFileSync(join(dir, "out", "demo", "traces.jsonl"), "utf8").trimEnd().split("\n").map((l) => JSON.parse(l));
  const last = req.messages.at(-1)!.content;
  const hit = gold.find((g) => last.includes(g.question) && last.includes(g.event_trace));
  const hasDemos = req.messages.some((m) => m.role === "assistant");
  const prediction = hasDemos && hit ? hit.answer : ":no_idea";
  return `[[ ## reasoning ## ]]\nFollowing the mailbox order.\n\n[[ ## prediction ## ]]\n${prediction}\n\n[[ ## completed ## ]]`;
}

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
    expect(summary.model.lm).toBe("openai/gpt-4o-mini");
    expect(summary.model.zeroShot).toBe(0);
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
