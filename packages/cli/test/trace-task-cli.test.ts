// `otpforge compile trace` and `otpforge eval trace` on real trace data (built
// on the BEAM in beforeAll, all splits in one file), over real HTTP against
// the fake OpenAI server running the demo-aware model: it answers a question
// right only when a correct demo of its family is in the prompt.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createPool } from "@otpforge/beam";
import { FakeProviderServer } from "@otpforge/core/testing";
import { buildTraceDataset, poolRunner, serializeTraceRecords, type TraceDatasetRecord } from "@otpforge/datasets";
import { scoreTraceAnswer } from "@otpforge/metrics";
import { traceDemoHandler } from "@otpforge/tasks/testing";
import { cli } from "./helpers.js";

let records: TraceDatasetRecord[] = [];
let server: FakeProviderServer;
let dir: string;
let env: NodeJS.ProcessEnv;
const ofSplit = (s: string) => records.filter((r) => r.split === s);

beforeAll(async () => {
  const pool = await createPool({ size: 2 });
  try {
    records = (await buildTraceDataset({ n: 60, seed: "2", runs: 2, questionsPerWorld: 2, runner: poolRunner(pool) })).examples;
  } finally {
    await pool.close();
  }
  server = await FakeProviderServer.start({ handler: traceDemoHandler(() => records) });
  dir = await mkdtemp(join(tmpdir(), "otpforge-cli-trace-"));
  await writeFile(join(dir, "traces.jsonl"), serializeTraceRecords(records));
  env = {
    PATH: process.env.PATH,
    OPENAI_API_KEY: "sk-test-trace",
    OPENAI_BASE_URL: server.openaiBaseURL,
    OTPFORGE_CACHE_DIR: join(dir, "cache"),
  };
}, 300_000);
afterAll(async () => {
  await server?.close();
});

describe("otpforge compile trace / eval trace", () => {
  it(
    "trains on train, validates on dev, keeps only exactly right demos, reports zero-shot beside compiled",
    { timeout: 120_000 },
    async () => {
      const r = await cli(
        [
          "compile",
          "trace",
          "--trainset",
          "traces.jsonl",
          "--lm",
          "openai/gpt-4o-mini",
          "--max-demos",
          "4",
          "--max-labeled",
          "8",
          "--out",
          "build/trace",
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
      expect(summary).toMatchObject({
        task: "trace",
        trainset: ofSplit("train").length,
        valset: ofSplit("dev").length,
        splits: { train: "train", val: "dev" },
      });
      expect(summary.scores.val).toBeGreaterThan(summary.scores.baseline);
      const artifact = JSON.parse(await readFile(join(dir, "build/trace/artifact.json"), "utf8"));
      expect(artifact.datasets.trainset.splits).toEqual(["train"]);
      for (const d of artifact.predictors[0].demos as Array<{ question: string; event_trace: string; prediction: string }>) {
        const gold = records.find((x) => x.question === d.question && x.event_trace === d.event_trace)!;
        expect(gold.split).toBe("train");
        expect(scoreTraceAnswer(gold.answer, gold.answer_kind, d.prediction).score).toBe(1);
      }
      // No request carried a test question with its timeline (question texts alone repeat across worlds).
      const sent = server.requests.map((q) =>
        ((q.body as { messages: unknown }).messages as Array<{ content: string }>).map((m) => m.content).join("\n"),
      );
      expect(sent.length).toBeGreaterThan(0);
      expect(
        ofSplit("test")
          .filter((t) => sent.some((b) => b.includes(t.question) && b.includes(t.event_trace)))
          .map((t) => t.id),
      ).toEqual([]);
      const html = await readFile(join(dir, "compile.html"), "utf8");
      expect(html).toContain("zero-shot");
      expect(html).toContain("dev");
    },
  );

  it("refuses the test split for training unless --allow-test-split, as JSON under --json", async () => {
    const r = await cli(
      ["compile", "trace", "--trainset", "traces.jsonl", "--split", "test", "--optimizer", "labeled", "--out", "build/t", "--json"],
      env,
      dir,
    );
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({
      ok: false,
      error: { kind: "input", message: expect.stringContaining("--allow-test-split") },
    });
    const ok = await cli(
      [
        "compile",
        "trace",
        "--trainset",
        "traces.jsonl",
        "--split",
        "test",
        "--allow-test-split",
        "--optimizer",
        "labeled",
        "--out",
        "build/t",
        "--json",
      ],
      env,
      dir,
    );
    expect(ok.code).toBe(0);
    expect(JSON.parse(await readFile(join(dir, "build/t/artifact.json"), "utf8")).datasets.trainset.splits).toEqual(["test"]);
  });

  it("eval scores the test split by default, says so, and the compiled program beats zero-shot there", { timeout: 120_000 }, async () => {
    const zero = await cli(
      ["eval", "trace", "--data", "traces.jsonl", "--lm", "openai/gpt-4o-mini", "--report", "zero.html", "--json"],
      env,
      dir,
    );
    expect(zero.code).toBe(0);
    const z = JSON.parse(zero.stdout);
    expect(z).toMatchObject({ split: "test", n: ofSplit("test").length });
    const tuned = await cli(
      [
        "eval",
        "reasoning",
        "--data",
        "traces.jsonl",
        "--program",
        "build/trace",
        "--lm",
        "openai/gpt-4o-mini",
        "--report",
        "eval.html",
        "--out",
        "records.jsonl",
      ],
      env,
      dir,
    );
    expect(tuned.code).toBe(0);
    expect(tuned.stdout).toMatch(/^split: test$/m);
    const score = Number(/: ([\d.]+)%(?:  \[[\d.]+%, [\d.]+%\])? over \d+ examples/.exec(tuned.stdout)![1]);
    expect(score).toBeGreaterThan(100 * z.score);
    expect(await readFile(join(dir, "eval.html"), "utf8")).toContain("split");
    const escape = (t: string) =>
      t.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
    // The question column is filled: each question zero-shot failed (it scored below compiled, so one did) is shown.
    const failedZero = (z.records as Array<{ id: string; score: number }>).filter((x) => x.score < 1);
    expect(failedZero.length).toBeGreaterThan(0);
    const zeroHtml = await readFile(join(dir, "zero.html"), "utf8");
    for (const f of failedZero) expect(zeroHtml).toContain(escape(records.find((x) => x.id === f.id)!.question.slice(0, 40)));
    const rec = JSON.parse((await readFile(join(dir, "records.jsonl"), "utf8")).split("\n")[0]!);
    expect(rec).toMatchObject({ split: "test", inputs: { question: expect.any(String) }, raw: expect.stringContaining("prediction") });
  });
});
