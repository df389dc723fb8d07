// What evaluate hands the metric (no trace, as DSPy's Evaluate) and what each
// record keeps for debugging: the LM usage and cost of that example's run,
// the program's own latency, and the partial trace of a run that threw.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { evaluate, example, lm, Module, Predict, signature, type Trace } from "../src/index.js";
import { traceUsage } from "../src/internal.js";
import { chatReply, FakeProviderServer, inputOf, ScriptedLM } from "../src/testing/index.js";
import { SECRET, TempDirs } from "./lm-helpers.js";

const Double = signature("n: int -> doubled: int");
const scripted = new ScriptedLM((req) => chatReply({ doubled: 2 * Number(inputOf(req, "n")) }));
const devset = [1, 2, 3].map((n) => example({ n, doubled: 2 * n }).withInputs("n"));

describe("evaluate and the metric's trace", () => {
  it("calls the metric without a trace, so a `trace === undefined ? graded : strict` metric grades", async () => {
    const seen: Array<Trace | undefined> = [];
    const arity: number[] = [];
    const metric = (...args: [unknown, unknown, Trace?]) => {
      seen.push(args[2]);
      arity.push(args.length);
      // DSPy idiom: partial credit while evaluating, a strict pass/fail while bootstrapping.
      return args[2] === undefined ? 0.5 : false;
    };
    const r = await evaluate(new Predict(Double, { lm: scripted }), devset, metric);
    expect(seen).toEqual([undefined, undefined, undefined]);
    expect(arity).toEqual([2, 2, 2]);
    expect(r.score).toBeCloseTo(50);
    // The record still keeps the run's trace for reports.
    expect(r.results[0]!.trace).toHaveLength(1);
  });
});

describe("evaluation records", () => {
  it("keep the tokens of the run from its trace when the LM is not an LMClient", async () => {
    const r = await evaluate(new Predict(Double, { lm: scripted }), devset, () => 1);
    for (const rec of r.results) {
      const u = traceUsage(rec.trace);
      expect(u.promptTokens).toBeGreaterThan(0);
      expect(rec.usage).toEqual({ ...u, calls: 1, cacheHits: 0 });
      // ScriptedLM has no price: the cost is unknown, not zero.
      expect(rec.usage.costUSD).toBeUndefined();
    }
  });

  it("time the program apart from the metric's grading", async () => {
    const r = await evaluate(new Predict(Double, { lm: scripted }), devset.slice(0, 1), async () => {
      await new Promise((res) => setTimeout(res, 60));
      return 1;
    });
    const rec = r.results[0]!;
    expect(rec.durationMs).toBeGreaterThanOrEqual(55);
    expect(rec.latencyMs).toBeLessThan(rec.durationMs - 40);
  });

  it("keep the partial trace and its usage when the program throws after a predictor call", async () => {
    class ThenFail extends Module {
      step = new Predict(Double, { lm: scripted });
      async forward(inputs: { n: number }) {
        await this.step.forward(inputs);
        throw new Error("second step broke");
      }
    }
    const r = await evaluate(new ThenFail(), devset.slice(0, 1), () => 1);
    const rec = r.results[0]!;
    expect((rec.error as Error).message).toBe("second step broke");
    expect(rec.trace.map((s) => s.name)).toEqual(["step"]);
    expect(rec.usage.promptTokens).toBe(traceUsage(rec.trace).promptTokens);
    expect(rec.usage.promptTokens).toBeGreaterThan(0);
  });
});

describe("evaluation records with an LMClient", () => {
  let server: FakeProviderServer;
  const dirs = new TempDirs();
  beforeAll(async () => {
    // n = 2 first answers something unparseable: the parse retry costs tokens too.
    server = await FakeProviderServer.start({
      handler: (req) => {
        const n = Number(/\[\[ ## n ## \]\]\n(\d+)/.exec(req.messages.map((m) => m.content).join("\n"))?.[1]);
        const retried = req.messages.some((m) => m.role === "assistant" && m.content === "no idea");
        const text = n === 2 && !retried ? "no idea" : chatReply({ doubled: 2 * n });
        return { text, usage: { promptTokens: 1000, completionTokens: 100, cachedTokens: 0 } };
      },
    });
  });
  afterAll(async () => {
    await server.close();
    dirs.cleanup();
  });

  it("count every call of the example's run, parse retries included, with its cost", async () => {
    const model = lm("openai/gpt-4o-mini", { env: { OPENAI_API_KEY: SECRET }, baseURL: server.openaiBaseURL, cacheDir: dirs.make() });
    const r = await evaluate(new Predict(Double, { lm: model }), devset, () => 1, { concurrency: 3 });
    const oneCall = (1000 * 0.15 + 100 * 0.6) / 1e6;
    const [one, two, three] = r.results;
    expect(one!.usage).toEqual({
      promptTokens: 1000,
      completionTokens: 100,
      cachedTokens: 0,
      calls: 1,
      cacheHits: 0,
      costUSD: expect.closeTo(oneCall, 12),
    });
    expect(three!.usage.calls).toBe(1);
    expect(two!.trace[0]!.prediction.attempts).toBe(2);
    expect(two!.usage).toEqual({
      promptTokens: 2000,
      completionTokens: 200,
      cachedTokens: 0,
      calls: 2,
      cacheHits: 0,
      costUSD: expect.closeTo(2 * oneCall, 12),
    });
  });
});
