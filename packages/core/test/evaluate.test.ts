import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { evaluate, EvaluationAbortedError, example, NoLMConfiguredError, Predict, ProgressBar, signature } from "../src/index.js";
import { chatReply, inputOf, ScriptedLM } from "../src/testing/index.js";

const Double = signature("n: int -> doubled: int");
// Correct except for multiples of 3 (wrong by one); n = 13 yields unparseable text.
const lm = new ScriptedLM(
  (req) => {
    const n = Number(inputOf(req, "n"));
    if (n === 13) return "I refuse.";
    return chatReply({ doubled: n % 3 === 0 ? 2 * n + 1 : 2 * n });
  },
  { latencyMs: (req) => Number(inputOf(req, "n")) % 4 },
);
const devset = Array.from({ length: 20 }, (_, n) => example({ n, doubled: 2 * n }).withInputs("n"));

describe("evaluate", () => {
  it("scores every example, records failures with failureScore, and keeps dataset order at any concurrency", async () => {
    const program = new Predict(Double, { lm });
    const metric = (ex: (typeof devset)[number], pred: Awaited<ReturnType<typeof program.forward>>) =>
      pred.outputs.doubled === ex.labels().doubled;
    const seen: number[] = [];
    const r16 = await evaluate(program, devset, metric, { concurrency: 16, onProgress: (p) => seen.push(p.done) });
    const r1 = await evaluate(program, devset, metric, { concurrency: 1 });
    // n = 0..19 minus the 7 multiples of 3 (0,3,...,18) and the failing 13: 12 correct of 20.
    expect(r16.score).toBeCloseTo(60);
    expect(r16.errors).toBe(1);
    expect(r16.results.map((r) => r.example.data.n)).toEqual(devset.map((e) => e.data.n));
    expect(r16.results.map((r) => r.score)).toEqual(r1.results.map((r) => r.score));
    const failed = r16.results[13]!;
    expect(failed.score).toBe(0);
    expect(failed.prediction).toBeUndefined();
    expect((failed.error as Error).name).toBe("AdapterParseError");
    expect(r16.results[2]!.trace).toHaveLength(1);
    expect(r16.results[2]!.trace[0]!.name).toBe("self");
    expect(r16.results[2]!.durationMs).toBeGreaterThanOrEqual(0);
    expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it("accepts { score, feedback } metrics; failureScore applies to errors", async () => {
    const program = new Predict(Double, { lm });
    const r = await evaluate(
      program,
      devset.slice(12, 15),
      (ex, pred) => ({ score: pred.outputs.doubled === ex.data.doubled ? 1 : 0.25, feedback: `doubled ${pred.outputs.doubled}` }),
      { failureScore: 0.5 },
    );
    expect(r.results.map((x) => [x.score, x.feedback])).toEqual([
      [0.25, "doubled 25"],
      [0.5, undefined],
      [1, "doubled 28"],
    ]);
    expect(r.score).toBeCloseTo((100 * 1.75) / 3);
  });

  it("stops at the maxErrors-th failure (DSPy's rule) saying how many failed and showing the first error", async () => {
    let calls = 0;
    const flaky = {
      async forward(inputs: { n: number }) {
        calls++;
        throw new Error(`boom ${inputs.n}`);
      },
    };
    const error = await evaluate(flaky, devset, () => 1, { concurrency: 1, maxErrors: 2 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EvaluationAbortedError);
    expect((error as Error).message).toBe("Evaluation stopped: 2 of 20 examples failed (maxErrors 2). First error: boom 0");
    expect(calls).toBe(2);
  });

  it("treats a metric that throws or returns nonsense as a failed example", async () => {
    const program = new Predict(Double, { lm });
    const r = await evaluate(program, devset.slice(1, 3), (ex) => (ex.data.n === 1 ? Number.NaN : 1));
    expect(r.results[0]!.error).toBeInstanceOf(Error);
    expect((r.results[0]!.error as Error).message).toMatch(/metric returned NaN; return a finite number/);
    expect(r.results[1]!.score).toBe(1);
  });

  it("fails fast when no LM is configured", async () => {
    const program = new Predict(Double);
    await expect(evaluate(program, devset, () => 1, { concurrency: 4, maxErrors: 100 })).rejects.toBeInstanceOf(NoLMConfiguredError);
  });

  it("refuses a devset whose examples do not name their inputs, before running anything", async () => {
    const before = lm.calls;
    await expect(evaluate(new Predict(Double, { lm }), [example({ n: 1, doubled: 2 })], () => 1)).rejects.toThrow(/withInputs/);
    expect(lm.calls).toBe(before);
  });

  it("rejects a bad concurrency and handles an empty devset", async () => {
    await expect(evaluate(new Predict(Double, { lm }), devset, () => 1, { concurrency: 0 })).rejects.toThrow(/concurrency/);
    expect(await evaluate(new Predict(Double, { lm }), [], () => 1)).toEqual({ score: 0, results: [], errors: 0 });
  });
});

describe("ProgressBar", () => {
  it("draws on a TTY and stays silent otherwise", () => {
    const tty = Object.assign(new PassThrough(), { isTTY: true }) as unknown as NodeJS.WriteStream;
    let drawn = "";
    (tty as unknown as PassThrough).on("data", (d: Buffer) => (drawn += d.toString()));
    const bar = new ProgressBar({ total: 4, label: "eval", stream: tty, width: 4 });
    bar.update(2, "score 50.0");
    bar.finish();
    expect(drawn).toContain("eval [##--] 2/4  score 50.0");
    expect(drawn.endsWith("\n")).toBe(true);

    const pipe = new PassThrough() as unknown as NodeJS.WriteStream;
    let piped = "";
    (pipe as unknown as PassThrough).on("data", (d: Buffer) => (piped += d.toString()));
    const quiet = new ProgressBar({ total: 4, stream: pipe });
    quiet.update(4);
    quiet.finish();
    expect(piped).toBe("");
  });
});
