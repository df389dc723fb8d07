import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LMRequest } from "@otpforge/core";
import { chatReply, FakeProviderServer, inputOf, type FakeRequest } from "@otpforge/core/testing";
import { designProblem, fixBugCases, FixBugProgram, TraceProgram } from "@otpforge/otp-signatures";
import { buildArtifact, writeArtifactDir } from "@otpforge/teleprompters";
import { cli } from "./helpers.js";

// `otpforge eval fix-bug` end to end: the real OpenAI SDK client talks to the
// fake provider server, the candidate fixes run in the sandbox pool.

const cases = fixBugCases().filter((c) => ["calling-self", "lost-update-separate-calls", "duplicate-timers"].includes(c.id));

const designs = ["query-cache", "connection-pool", "game-session"].map(designProblem);

function transientPool(reference: string): string {
  const skeleton = reference.replace(
    "defmodule Pool.Connection do\n  use GenServer\n",
    "defmodule Pool.Connection do\n  use GenServer, restart: :transient\n",
  );
  if (skeleton === reference) throw new Error("the pool mutation no longer applies");
  return skeleton;
}

/**
 * One fake model for the three evals. fix-bug: fixes the race and deadlock
 * cases, returns the timer case unchanged. design: the reference answer for
 * the cache; for the pool, connections that are :transient (a connection the
 * database closes is never replaced: the pool's normal_exit requirement
 * fails); for the game, code that does not compile. (The trace eval is tested
 * on real trace data in trace-task-cli.test.ts.)
 */
function handler(req: FakeRequest): string {
  const request = { messages: req.messages } as LMRequest;
  const prompt = req.messages.map((m) => m.content).join("\n");
  // The architecture critic (it also reads the problem): it rejects an architecture that says
  // closed connections are replaced beside a skeleton whose connections are :transient.
  const skeleton = inputOf(request, "code_skeleton");
  if (inputOf(request, "execution") !== undefined && skeleton !== undefined) {
    const transient = skeleton.includes("restart: :transient");
    return chatReply({
      matches_skeleton: !transient,
      meets_story: !transient,
      critique: transient ? "CRITIC: the connections are transient, so a closed one is never replaced." : "CRITIC: holds.",
    });
  }
  if (inputOf(request, "problem_description") !== undefined) {
    const p = designs.find((q) => prompt.includes(`\`${q.topModule}\` with \`start_link(opts)\``))!;
    const skeleton =
      p.id === "query-cache"
        ? p.reference.skeleton
        : p.id === "game-session"
          ? "defmodule Game.Supervisor do\n  def init(opts do\nend\n"
          : transientPool(p.reference.skeleton);
    return chatReply({ otp_architecture: p.reference.architecture, code_skeleton: skeleton });
  }
  const buggy = inputOf(request, "buggy_code")?.trim();
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
  await writeFile(
    join(dir, "design.jsonl"),
    designs
      .slice(0, 2)
      .map((p) => JSON.stringify({ problem_id: p.id }))
      .join("\n") + "\n",
  );
  await writeFile(
    join(dir, "design-text.jsonl"),
    designs
      .slice(1)
      .map((p) => JSON.stringify({ problem_id: p.id }))
      .join("\n") + "\n",
  );
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
    expect(result.byCategory).toMatchObject({ deadlock: { n: 1, score: 1 }, race: { n: 1, score: 1 }, timers: { n: 1, score: 0 } });
    expect(Object.keys(result.byCategory)).toEqual(["deadlock", "race", "timers"]);
    const records = (await readFile(out, "utf8"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
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
    // Three independent examples: the interval of 2 of 3 is wide, and it is said.
    expect(r.stdout).toMatch(/^fix-bug: 66\.7%  \[\d+\.\d%, 100\.0%\] over 3 examples/);
    expect(r.stdout).toMatch(/^ +timers +1 +0\.0%$/m);
    // The report says which check the unchanged timer code failed.
    expect(r.stdout).toMatch(/^ +duplicate-timers: fail_to_pass: failed 1 of 1 runs; seed 1: .*too_many_beats/m);
  });

  it("evaluates a compiled program given with --program, and refuses an artifact of another program", { timeout: 90_000 }, async () => {
    const tuned = new FixBugProgram();
    tuned.fix.instructions = "TUNED: keep the API, fix the mechanism.";
    const info = {
      name: "fix-bug",
      lm: { id: "openai/gpt-4o-mini" },
      optimizer: { name: "LabeledFewShot", options: {}, seed: 0 },
      scores: { candidates: [] },
      stoppedBy: null,
      datasets: { trainset: { size: 0, hash: "none" } },
    };
    const artifactDir = join(dir, "artifact");
    await writeArtifactDir(artifactDir, buildArtifact(tuned, info));
    server.reset();
    const r = await cli(
      ["eval", "fix-bug", "--data", data, "--program", artifactDir, "--lm", "openai/gpt-4o-mini", "--runs", "1", "--json"],
      {
        ...env(),
        OTPFORGE_CACHE_DIR: join(dir, "cache-tuned"),
      },
    );
    expect(r.code).toBe(0);
    expect(server.requests.length).toBe(3);
    expect(JSON.stringify(server.requests[0]!.body)).toContain("TUNED: keep the API, fix the mechanism.");

    const otherDir = join(dir, "other-artifact");
    await writeArtifactDir(otherDir, buildArtifact(new TraceProgram(), { ...info, name: "trace" }));
    const wrong = await cli(["eval", "fix-bug", "--data", data, "--program", otherDir, "--lm", "openai/gpt-4o-mini"], env());
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/predictor/);
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

describe("otpforge eval design, and bad trace data", () => {
  it(
    "grades design skeletons on the BEAM and reports per category, per requirement kind and per failed requirement (and the critic apart)",
    { timeout: 120_000 },
    async () => {
      const r = await cli(
        ["eval", "design", "--data", join(dir, "design.jsonl"), "--lm", "openai/gpt-4o-mini", "--critic", "auto", "--json"],
        env(),
      );
      expect(r.code).toBe(0);
      const result = JSON.parse(r.stdout);
      expect(result).toMatchObject({ task: "design", n: 2, errors: 0 });
      // The critic's score is its own: it lowered the pool's 0.5 to 0 and left execution's mean alone.
      expect(result.score).toBeCloseTo(0.75);
      expect(result.architecture).toEqual({ n: 2, score: 0.5, judged_by: "openai/gpt-4o-mini" });
      const reviews = Object.fromEntries(
        result.records.map((x: { problem_id: string; architecture_review: { score: number } }) => [
          x.problem_id,
          x.architecture_review.score,
        ]),
      );
      expect(reviews).toEqual({ "query-cache": 1, "connection-pool": 0 });
      expect(result.byCategory["timers"]).toMatchObject({ n: 1, score: 1 });
      // 3 of 4 requirements hold, but a behaviour the story requires fails: at most 0.5.
      expect(result.byCategory["dynamic-workers"]).toMatchObject({ n: 1, score: 0.5 });
      expect(result.byKind["normal_exit"]).toEqual({ n: 1, passed: 0, rate: 0 });
      expect(result.byKind["crash_isolation"]).toEqual({ n: 1, passed: 1, rate: 1 });
      expect(result.failedRequirements).toHaveLength(1);
      const failed = result.failedRequirements[0];
      expect(failed).toMatchObject({ problem_id: "connection-pool", id: "closed-connection-replaced", kind: "normal_exit" });
      expect(failed.scenario.join("\n")).toMatch(/exited normally and was not replaced/);
    },
  );

  it("prints pass rates by requirement kind and the scenario behind each failed requirement", { timeout: 120_000 }, async () => {
    const r = await cli(["eval", "design", "--data", join(dir, "design-text.jsonl"), "--lm", "openai/gpt-4o-mini"], env());
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^design: 25\.0%/);
    expect(r.stdout).toMatch(/^ {2}requirements held, by kind:$/m);
    expect(r.stdout).toMatch(/^ {4}normal_exit +1 +0\.0%$/m);
    expect(r.stdout).toMatch(/^ {4}strategy +\d+ +\d+\.\d%$/m);
    // The game never compiled: said once, not once per requirement.
    expect(r.stdout).toMatch(/^ {2}designs not checked:\n {4}game-session: compile_error: /m);
    expect(r.stdout).toMatch(/^ {4}connection-pool closed-connection-replaced \[normal_exit\]: A connection that ends normally/m);
    expect(r.stdout).toMatch(/^ {6}.*exited normally and was not replaced/m);
    expect(r.stdout).not.toMatch(/game-session [\w-]+ \[/);
    expect(r.stdout).not.toContain("architecture critic");
  });

  it("refuses --critic on an eval that has no architecture to read", async () => {
    const r = await cli(["eval", "fix-bug", "--data", data, "--lm", "openai/gpt-4o-mini", "--critic", "auto"], env());
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--critic is for the design eval only");
  });

  it("exits 2 on bad design or trace data", async () => {
    const bad = join(dir, "bad-design.jsonl");
    await writeFile(bad, JSON.stringify({ problem_id: "no-such-problem" }) + "\n");
    const r1 = await cli(["eval", "design", "--data", bad, "--lm", "openai/gpt-4o-mini"], env());
    expect(r1.code).toBe(2);
    expect(r1.stderr).toContain("no-such-problem");
    const r2 = await cli(["eval", "reasoning", "--data", join(dir, "missing.jsonl"), "--lm", "openai/gpt-4o-mini"], env());
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/cannot read trace data .*missing\.jsonl.*otpforge dataset traces/);
  });
});
