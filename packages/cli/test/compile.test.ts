import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { mkdtemp, readFile, readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FakeProviderServer, type FakeRequest } from "@otpforge/core/testing";
import { loadCompiledFile } from "@otpforge/teleprompters";
import { cli } from "./helpers.js";
import { SpellProgram } from "./fixtures/spell-task.js";

const TASK = join(import.meta.dirname, "fixtures", "spell-task.ts");
const WORDS = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliett", "kilo", "lima"];

function spell(req: FakeRequest): string {
  const word = /spell (\w+)/.exec(req.messages.at(-1)!.content)?.[1] ?? "";
  return `[[ ## answer ## ]]\n${word === "charlie" ? "WRONG" : word.toUpperCase()}\n\n[[ ## completed ## ]]`;
}

let server: FakeProviderServer;
let dir: string;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  server = await FakeProviderServer.start({ handler: spell });
  dir = await mkdtemp(join(tmpdir(), "otpforge-cli-compile-"));
  const jsonl = (words: string[]) =>
    words.map((w) => JSON.stringify({ question: `spell ${w}`, answer: w.toUpperCase() })).join("\n") + "\n";
  await writeFile(join(dir, "train.jsonl"), jsonl(WORDS.slice(0, 8)));
  await writeFile(join(dir, "dev.jsonl"), jsonl(WORDS.slice(8)));
  env = {
    PATH: process.env.PATH,
    OPENAI_API_KEY: "sk-test-cli",
    OPENAI_BASE_URL: server.openaiBaseURL,
    OTPFORGE_CACHE_DIR: join(dir, "cache"),
  };
});
afterAll(async () => {
  await server.close();
});

const args = (out: string, ...more: string[]) => [
  "compile",
  TASK,
  "--trainset",
  "train.jsonl",
  "--valset",
  "dev.jsonl",
  "--lm",
  "openai/gpt-4o-mini",
  "--out",
  out,
  ...more,
];

describe("otpforge compile", () => {
  it("compiles a task module into an artifact and rendered prompts, and prints a summary", async () => {
    const r = await cli(args("build/spell", "--max-demos", "3", "--max-labeled", "4"), env, dir);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/compiled spell with BootstrapFewShot \(seed 0\)/);
    expect(r.stdout).toMatch(/val 100\.0\s+bootstrap 3\/4 passed/);
    expect(await readdir(join(dir, "build/spell"))).toEqual(expect.arrayContaining(["artifact.json", "prompts"]));
    const program = await loadCompiledFile(new SpellProgram(), join(dir, "build/spell"));
    expect(program.answer.demos.slice(0, 3).map((d) => d.question)).toEqual(["spell alpha", "spell bravo", "spell delta"]);
    const prompt = JSON.parse(await readFile(join(dir, "build/spell/prompts/answer.json"), "utf8"));
    expect(prompt.messages.at(-1).content).toContain("{{question}}");
  });

  it("--lm-option puts provider parameters into every request, JSON values parsed, and says how to write one", async () => {
    server.reset();
    const r = await cli(
      args(
        "build/opts",
        "--lm-option",
        "seed=7",
        "--lm-option",
        "top_p=0.5",
        "--lm-option",
        'stop=["END"]',
        "--lm-option",
        "user=otpforge",
      ),
      env,
      dir,
    );
    expect(r.code, r.stderr).toBe(0);
    const bodies = server.requests.map((q) => q.body as Record<string, unknown>);
    expect(bodies.length).toBeGreaterThan(0);
    for (const b of bodies) expect(b).toMatchObject({ seed: 7, top_p: 0.5, stop: ["END"], user: "otpforge" });
    const bad = await cli(args("build/opts-bad", "--lm-option", "seed"), env, dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--lm-option takes key=value (e.g. --lm-option top_p=0.9), got "seed"');
  });

  it("prints one JSON object with --json, and a warm second run makes no request", async () => {
    const first = await cli(args("build/json", "--json", "--seed", "3"), env, dir);
    expect(first.code).toBe(0);
    const summary = JSON.parse(first.stdout);
    expect(summary).toMatchObject({
      ok: true,
      task: "spell",
      optimizer: "BootstrapFewShot",
      seed: 3,
      trainset: 8,
      valset: 4,
      stoppedBy: null,
    });
    const before = server.requests.length;
    const again = JSON.parse((await cli(args("build/json-again", "--json", "--seed", "3"), env, dir)).stdout);
    expect(server.requests.length).toBe(before);
    expect(again.spend.calls).toBe(0);
    expect(again.contentHash).toBe(summary.contentHash);
  });

  it("stops at --budget-calls, says so, and continues from the checkpoint when rerun with more", async () => {
    const isolated = { ...env, OTPFORGE_CACHE_DIR: join(dir, "cache-budget") };
    const stopped = await cli(args("build/budget", "--budget-calls", "2"), isolated, dir);
    expect(stopped.code).toBe(0);
    expect(stopped.stdout).toMatch(/stopped\s+budget maxLMCalls \(2\) ran out/);
    expect(await readdir(join(dir, "build/budget/.checkpoint"))).toHaveLength(1);
    const resumed = JSON.parse((await cli(args("build/budget", "--json", "--budget-calls", "100"), isolated, dir)).stdout);
    expect(resumed.stoppedBy).toBeNull();
    expect(resumed.resumedSteps).toBe(2);
    expect(await readdir(join(dir, "build/budget"))).not.toContain(".checkpoint");
  });

  it("runs random search and the labeled optimizer", async () => {
    const rs = JSON.parse(
      (await cli(args("build/rs", "--json", "--optimizer", "random-search", "--candidates", "2", "--max-demos", "2"), env, dir)).stdout,
    );
    expect(rs.optimizer).toBe("BootstrapFewShotWithRandomSearch");
    expect(rs.scores.candidates.map((c: { id: string }) => c.id).sort()).toEqual([
      "bootstrap",
      "labeled",
      "shuffle-0",
      "shuffle-1",
      "zero-shot",
    ]);
    const labeled = JSON.parse(
      (
        await cli(
          [
            "compile",
            TASK,
            "--trainset",
            "train.jsonl",
            "--optimizer",
            "labeled",
            "--max-labeled",
            "2",
            "--out",
            "build/labeled",
            "--json",
          ],
          { PATH: process.env.PATH },
          dir,
        )
      ).stdout,
    );
    expect(labeled).toMatchObject({ optimizer: "LabeledFewShot", demos: { answer: 2 }, spend: { calls: 0 } });
  });

  it("explains bad usage, unknown tasks and a missing model with exit 2", async () => {
    const noOut = await cli(["compile", TASK, "--trainset", "train.jsonl"], env, dir);
    expect(noOut).toMatchObject({ code: 2 });
    expect(noOut.stderr).toMatch(/missing --out DIR/);
    const unknown = await cli(["compile", "no-such-task", "--trainset", "train.jsonl", "--out", "x"], env, dir);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/"no-such-task" is neither a built-in task .* nor an existing task module file/);
    const noModel = await cli(["compile", TASK, "--trainset", "train.jsonl", "--out", "x"], { PATH: process.env.PATH }, dir);
    expect(noModel.code).toBe(2);
    expect(noModel.stderr).toMatch(/No language model is configured: set OTPFORGE_LM \(or pass --lm\) to provider\/model/);
    const badFile = await cli(args("x", "--trainset", "missing.jsonl"), env, dir);
    expect(badFile.code).toBe(2);
    expect(badFile.stderr).toMatch(/missing\.jsonl: cannot be read \(ENOENT\)/);
    const badOptimizer = await cli(args("x", "--optimizer", "genetic"), env, dir);
    expect(badOptimizer.stderr).toMatch(/--optimizer must be one of labeled, bootstrap, random-search/);
    const notATask = join(dir, "train.jsonl");
    const notModule = await cli(["compile", notATask, "--trainset", "train.jsonl", "--out", "x", "--lm", "openai/gpt-4o-mini"], env, dir);
    expect(notModule.code).toBe(2);
    expect(notModule.stderr).toMatch(/cannot be imported|exports no `program`/);
  });

  it("refuses data that is not trace data for the built-in trace task (real trace data: trace-task-cli.test.ts)", async () => {
    const bad = await cli(["compile", "trace", "--trainset", "train.jsonl", "--lm", "openai/gpt-4o-mini", "--out", "build/x"], env, dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/train\.jsonl: cannot be read as trainset \(.*not a trace example/);
  });

  // bench compile has its own test: compile-bench.test.ts.
  it("has help with examples", async () => {
    const r = await cli(["compile", "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Examples:\n  otpforge compile/);
  });
});
