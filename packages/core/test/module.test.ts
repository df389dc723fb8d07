import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ChainOfThought, InvalidStateError, Module, Predict, signature, StateMismatchError } from "../src/index.js";
import { chatReply, ScriptedLM } from "../src/testing/index.js";

const A = signature("question -> answer");
const B = signature("answer -> verdict: bool");

class Inner extends Module {
  check = new Predict(B);
  async forward(input: { answer: string }) {
    return this.check.forward(input);
  }
}

class Program extends Module {
  draft = new ChainOfThought(A);
  inner = new Inner();
  list = [new Predict(A), new Predict(B)];
  byKey = new Map<string, Predict>([["fast", new Predict(A)]]);
  config = { nested: { judge: new Predict(B) }, label: "not a predictor" };
  alias = this.draft; // the same predictor twice: listed once
  async forward(input: { question: string }) {
    const a = await this.draft.forward(input);
    return this.inner.forward({ answer: a.outputs.answer });
  }
}

describe("Module.namedPredictors", () => {
  it("finds predictors in fields, nested modules, arrays, maps and plain objects under stable dotted names", () => {
    const p = new Program();
    expect(p.namedPredictors().map(([n]) => n)).toEqual(["draft", "inner.check", "list.0", "list.1", "byKey.fast", "config.nested.judge"]);
    expect(p.namedPredictors()[0]![1]).toBe(p.draft);
    expect(p.predictors()).toHaveLength(6);
    expect(new Predict(A).namedPredictors().map(([n]) => n)).toEqual(["self"]);
  });
});

describe("Module.clone", () => {
  it("copies predictors deeply and keeps shared references shared", () => {
    const p = new Program();
    p.draft.demos.push({ question: "q", answer: "a" });
    const c = p.clone();
    expect(c).toBeInstanceOf(Program);
    expect(c.draft).not.toBe(p.draft);
    expect(c.alias).toBe(c.draft);
    expect(c.list[0]).not.toBe(p.list[0]);
    expect(c.byKey.get("fast")).not.toBe(p.byKey.get("fast"));
    expect(c.draft.signature).toBe(p.draft.signature);
    c.draft.demos[0]!.answer = "changed";
    c.draft.instructions = "new";
    expect(p.draft.demos[0]!.answer).toBe("a");
    expect(p.draft.instructions).toBe(A.instructions);
    expect(c.namedPredictors().map(([n]) => n)).toEqual(p.namedPredictors().map(([n]) => n));
  });

  it("gives a clone that still runs", async () => {
    const lm = new ScriptedLM([
      { when: "[[ ## verdict ## ]]", reply: chatReply({ verdict: true }) },
      { reply: chatReply({ reasoning: "r", answer: "x" }) },
    ]);
    const c = new Program().clone();
    for (const pr of c.predictors()) pr.lm = lm;
    const out = await c.forward({ question: "q" });
    expect(out.outputs).toEqual({ verdict: true });
  });

  it("resetCopy drops demos and tuned instructions", () => {
    const p = new Program();
    p.draft.demos = [{ question: "q", answer: "a" }];
    p.draft.instructions = "tuned";
    const r = p.resetCopy();
    expect(r.draft.demos).toEqual([]);
    expect(r.draft.instructions).toBe(r.draft.signature.instructions);
    expect(p.draft.instructions).toBe("tuned");
  });
});

describe("program state", () => {
  it("round-trips instructions and demos through JSON", () => {
    const p = new Program();
    p.draft.instructions = "Think, then answer.";
    p.draft.demos = [{ question: "2+2?", reasoning: "add", answer: "4" }];
    p.config.nested.judge.demos = [{ answer: "4", verdict: true }];
    const json = JSON.parse(JSON.stringify(p.dumpState()));
    expect(Object.keys(json.predictors)).toEqual(p.namedPredictors().map(([n]) => n));
    expect(json.predictors.draft.signatureHash).toBe(p.draft.signature.hash());

    const fresh = new Program().loadState(json);
    expect(fresh.draft.instructions).toBe("Think, then answer.");
    expect(fresh.draft.demos).toEqual([{ question: "2+2?", reasoning: "add", answer: "4" }]);
    expect(fresh.config.nested.judge.demos).toEqual([{ answer: "4", verdict: true }]);
    expect(fresh.dumpState()).toEqual(json);
    // The loaded demos are copies, not the state's objects.
    json.predictors.draft.demos[0].answer = "5";
    expect(fresh.draft.demos[0]!.answer).toBe("4");
  });

  it("names missing and unknown predictors and changed signatures, and changes nothing", () => {
    const state = new Program().dumpState();
    state.predictors["renamed"] = state.predictors["list.1"]!;
    delete state.predictors["list.1"];
    state.predictors["draft"] = { ...state.predictors["draft"]!, instructions: "would be applied" };
    state.predictors["inner.check"] = { ...state.predictors["inner.check"]!, signatureHash: A.hash() };
    const target = new Program();
    let error: unknown;
    try {
      target.loadState(state);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StateMismatchError);
    const e = error as StateMismatchError;
    expect(e.missing).toEqual(["list.1"]);
    expect(e.unexpected).toEqual(["renamed"]);
    expect(e.hashMismatches).toEqual([{ name: "inner.check", program: B.hash(), state: A.hash() }]);
    expect(e.message).toContain("in the program but not in the state: list.1");
    expect(e.message).toContain("in the state but not in the program: renamed");
    expect(e.message).toContain(`inner.check: signature changed (program ${B.hash().slice(0, 12)}, state ${A.hash().slice(0, 12)})`);
    expect(target.draft.instructions).toBe(A.instructions);
  });

  it("detects a changed signature (instructions) between save and load", () => {
    const saved = new Predict(A).dumpState();
    const changed = new Predict(A.withInstructions("Different task."));
    expect(() => changed.loadState(saved)).toThrow(/self: signature changed/);
    expect(() => changed.setState(saved.predictors["self"]!)).toThrow(StateMismatchError);
  });

  it("rejects malformed state with a typed error", () => {
    expect(() => new Program().loadState({ version: 2, predictors: {} })).toThrow(InvalidStateError);
    expect(() =>
      new Program().loadState({ version: 1, predictors: { draft: { signatureHash: "x", instructions: 1, demos: [] } } }),
    ).toThrow(/draft.signatureHash.*draft.instructions/s);
    expect(() => new Program().loadState(null)).toThrow(/Not a valid program state/);
  });
});

describe("Predict", () => {
  it("validates inputs and names the bad field", async () => {
    const p = new Predict(signature({ name: "S", inputs: { n: z.number() }, outputs: { m: z.number() } }), { lm: new ScriptedLM("") });
    await expect(p.forward({ n: "x" as never })).rejects.toThrow(/Invalid inputs for signature S:\n- n: .*expected number/);
  });

  it("passes temperature, maxTokens and rolloutId to the LM (call options win)", async () => {
    const lm = new ScriptedLM(chatReply({ answer: "a" }));
    const p = new Predict(A, { lm, temperature: 0.2, maxTokens: 50 });
    const pred = await p.call({ question: "q" }, { temperature: 0.7, rolloutId: 3 });
    expect(lm.lastRequest).toMatchObject({ temperature: 0.7, maxTokens: 50, rolloutId: 3 });
    expect(pred.lm).toBe("scripted/test");
    expect(pred.raw).toBe(chatReply({ answer: "a" }));
    expect(pred.usage.completionTokens).toBeGreaterThan(0);
  });
});
