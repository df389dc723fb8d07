import { describe, expect, it } from "vitest";
import { example, ExampleInputsNotSetError, Prediction } from "../src/index.js";
import { ZERO_USAGE } from "../src/internal.js";

describe("Example", () => {
  it("splits inputs and labels and leaves the original unchanged", () => {
    const base = example({ question: "2+2?", context: ["math"], answer: "4" });
    const ex = base.withInputs("question", "context");
    expect(ex.inputs()).toEqual({ question: "2+2?", context: ["math"] });
    expect(ex.labels()).toEqual({ answer: "4" });
    expect(ex.data).toEqual({ question: "2+2?", context: ["math"], answer: "4" });
    expect(base.inputKeys).toBeUndefined();
    expect(ex.get("answer")).toBe("4");
    expect(Object.isFrozen(ex.data)).toBe(true);
  });

  it("says how to mark inputs when they are not set", () => {
    expect(() => example({ q: 1 }).inputs()).toThrow(ExampleInputsNotSetError);
    expect(() => example({ q: 1 }).labels()).toThrow(/withInputs\("question"/);
    expect(() => example({ q: 1 }).withInputs("q", "r" as "q")).toThrow(/keys this example does not have: r/);
  });

  it("updates values with `with` and serialises to JSON", () => {
    const ex = example({ q: "a", a: "b" }).withInputs("q").with({ a: "c", extra: 1 });
    expect(ex.data).toEqual({ q: "a", a: "c", extra: 1 });
    expect(ex.inputs()).toEqual({ q: "a" });
    expect(JSON.parse(JSON.stringify(ex))).toEqual({ data: { q: "a", a: "c", extra: 1 }, inputKeys: ["q"] });
  });
});

describe("Prediction", () => {
  it("holds outputs, raw text, the LM and usage", () => {
    const usage = { promptTokens: 10, completionTokens: 3, cachedTokens: 0 };
    const p = new Prediction({ answer: "4" }, { raw: "[[ ## answer ## ]]\n4", lm: "openai/gpt-4o-mini", usage, attempts: 2 });
    expect(p.outputs.answer).toBe("4");
    expect(p.toJSON()).toEqual({
      outputs: { answer: "4" },
      raw: "[[ ## answer ## ]]\n4",
      lm: "openai/gpt-4o-mini",
      usage,
      attempts: 2,
      cacheHit: false,
    });
    expect(new Prediction({}, { raw: "", lm: "x/y" }).usage).toEqual(ZERO_USAGE);
  });
});
