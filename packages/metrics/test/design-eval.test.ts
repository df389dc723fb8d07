// The design eval end to end: a SystemDesign program (scripted, then over
// HTTP through the fake provider server) designs, the pool grades, the
// result is summarised per category with one record per problem.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPool } from "@otpforge/beam";
import { ChatAdapter, Predict, lm } from "@otpforge/core";
import { FakeProviderServer, ScriptedLM, chatReply } from "@otpforge/core/testing";
import { DESIGN_PROBLEMS, SystemDesign, designProblem, type DesignProblem } from "@otpforge/otp-signatures";
import { evalDesign, formatEvalSummary, readDesignProblems } from "@otpforge/metrics";
import { DesignDataError, designProblemsJsonl } from "../src/internal.js";

type Pool = Awaited<ReturnType<typeof createPool>>;
let pool: Pool;

beforeAll(async () => {
  pool = await createPool({ size: 2 });
});
afterAll(async () => {
  await pool?.close();
});

const problems = ["query-cache", "shop-backend", "game-session", "connection-pool"].map(designProblem);

/**
 * The answer a (pretend) model gives: references, a pool that ignores its size
 * option (fails the size requirement only), and code that does not compile.
 */
function answerFor(prompt: string): string {
  const p = problems.find((q) => prompt.includes(`\`${q.topModule}\` with \`start_link(opts)\``));
  if (!p) throw new Error("unknown problem in prompt");
  const skeleton =
    p.id === "connection-pool"
      ? p.reference.skeleton.replace("size = Keyword.get(opts, :size, 10)", "size = 10")
      : p.id === "game-session"
        ? "defmodule Game.Supervisor do\n  use Supervisor\n  def init(opts do\nend\n"
        : p.reference.skeleton;
  return chatReply({ otp_architecture: `architecture for ${p.id}`, code_skeleton: skeleton });
}

// Two evals of one to four jobs each: side by side, so both VMs of the pool work.
describe.concurrent("evalDesign", () => {
  it("runs a scripted SystemDesign program and reports per category", { timeout: 120_000 }, async () => {
    const scripted = new ScriptedLM((req) => answerFor(req.messages.map((m) => m.content).join("\n")));
    const program = new Predict(SystemDesign, { lm: scripted, adapter: new ChatAdapter() });
    const result = await evalDesign(program, problems, { pool, progress: false });

    expect(result.task).toBe("design");
    expect(result.n).toBe(4);
    expect(result.errors).toBe(0);
    expect(result.byCategory).toMatchObject({
      "dynamic-workers": { n: 1, score: 3 / 4 },
      "restart-strategy": { n: 2, score: 0.5 },
      timers: { n: 1, score: 1 },
    });
    expect(result.score).toBeCloseTo((1 + 1 + 0 + 3 / 4) / 4);

    const byId = Object.fromEntries(result.records.map((r) => [r.id, r]));
    expect(byId["connection-pool"]).toMatchObject({
      status: "checked",
      passed: 3,
      total: 4,
      otp_architecture: "architecture for connection-pool",
    });
    expect(byId["connection-pool"]!.requirements.find((r) => r.id === "pool-size")).toMatchObject({
      pass: false,
      detail: "the top supervisor runs 10 Pool.Connection workers, the limit is 4",
    });
    expect(byId["game-session"]).toMatchObject({ status: "compile_error", score: 0 });
    expect(byId["shop-backend"]).toMatchObject({ status: "checked", score: 1, via: "convention" });
    expect(byId["query-cache"]!.tree).toContain("QueryCache.Store worker");
    // Four independent problems: the 95% interval of the mean is printed beside it.
    expect(formatEvalSummary(result)).toMatch(/^design: 68\.8%  \[\d+\.\d%, 100\.0%\] over 4 examples\n/);
  });

  it("runs against the fake provider server over HTTP", { timeout: 120_000 }, async () => {
    const server = await FakeProviderServer.start({ handler: (req) => answerFor(req.messages.map((m) => m.content).join("\n")) });
    try {
      const model = lm("openai-compatible/fake-designer", { baseURL: server.openaiBaseURL, cache: false });
      const program = new Predict(SystemDesign, { lm: model, adapter: new ChatAdapter() });
      const subset = [designProblem("shop-backend"), designProblem("game-session")];
      const result = await evalDesign(program, subset, { pool, progress: false });
      expect(server.modelRequests.length).toBe(2);
      expect(result.byCategory).toMatchObject({ "restart-strategy": { n: 2, score: 0.5 } });
      expect(result.records.map((r) => [r.id, r.status])).toEqual([
        ["shop-backend", "checked"],
        ["game-session", "compile_error"],
      ]);
    } finally {
      await server.close();
    }
  });
});

describe("design eval data files", () => {
  const dir = mkdtempSync(join(tmpdir(), "otpforge-design-"));

  it("round-trips the reference set through JSONL, and accepts lines that name a reference problem", () => {
    const file = join(dir, "design.jsonl");
    writeFileSync(file, designProblemsJsonl() + JSON.stringify({ problem_id: "never-there" }).replace("never-there", "x") + "\n");
    expect(() => readDesignProblems(file)).toThrow(/unknown design problem "x"/);
    writeFileSync(file, designProblemsJsonl(DESIGN_PROBLEMS.slice(1)) + JSON.stringify({ problem_id: DESIGN_PROBLEMS[0]!.id }) + "\n");
    const read = readDesignProblems(file);
    expect(read.map((p: DesignProblem) => p.id)).toEqual([...DESIGN_PROBLEMS.slice(1), DESIGN_PROBLEMS[0]!].map((p) => p.id));
    expect(read[0]).toEqual(DESIGN_PROBLEMS[1]);
  });

  it("says which line is wrong and why", () => {
    const file = join(dir, "bad.jsonl");
    writeFileSync(file, designProblemsJsonl([DESIGN_PROBLEMS[0]!]) + "{not json\n");
    expect(() => readDesignProblems(file)).toThrow(new DesignDataError(`${file}:2: not valid JSON. Each line must be one JSON object.`));
    const evil = structuredClone(DESIGN_PROBLEMS[0]!) as any;
    evil.startOptions = "[ttl_ms: System.halt()]";
    writeFileSync(file, JSON.stringify(evil) + "\n");
    expect(() => readDesignProblems(file)).toThrow(/bad\.jsonl:1 is invalid: .*startOptions/);
    writeFileSync(file, designProblemsJsonl([DESIGN_PROBLEMS[0]!, DESIGN_PROBLEMS[0]!]));
    expect(() => readDesignProblems(file)).toThrow(/:2: duplicate problem id "query-cache"/);
    expect(() => readDesignProblems(join(dir, "missing.jsonl"))).toThrow(/Cannot read design data .*missing\.jsonl/);
  });
});
