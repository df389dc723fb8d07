import { describe, expect, it } from "vitest";
import { z } from "zod";
import { AdapterParseError, JSONAdapter, Predict, signature } from "../src/index.js";
import { MISSING_FIELD } from "../src/internal.js";
import { inputOf, ScriptedLM } from "../src/testing/index.js";

const Sum = signature({
  name: "Sum numbers!",
  inputs: { numbers: z.array(z.number()).describe("numbers to add") },
  outputs: { total: z.number(), steps: z.array(z.string()).describe("the additions made") },
});

describe("JSONAdapter", () => {
  const adapter = new JSONAdapter();

  it("asks for a JSON object matching the output schema and requests structured output", async () => {
    const lm = new ScriptedLM((req) => {
      const nums = JSON.parse(inputOf(req, "numbers")!) as number[];
      return "```json\n" + JSON.stringify({ steps: nums.map(String), total: nums.reduce((a, b) => a + b, 0) }) + "\n```";
    });
    const pred = await new Predict(Sum, { lm, adapter }).forward({ numbers: [1, 2, 3] });
    expect(pred.outputs).toEqual({ total: 6, steps: ["1", "2", "3"] });
    const req = lm.requests[0]!;
    expect(req.responseFormat).toEqual({ type: "json_schema", name: "Sum_numbers", schema: Sum.outputJSONSchema() });
    expect(req.messages[0]!.content).toContain(JSON.stringify(Sum.outputJSONSchema()));
    expect(req.messages.at(-1)!.content).toContain("Respond with a JSON object in the following order of fields: `total`, then `steps`.");
  });

  it("formats demos as JSON answers, partial ones with placeholders", () => {
    const messages = adapter.format(Sum, {
      demos: [
        { numbers: [1], total: 1, steps: ["1"] },
        { numbers: [2], total: 2 },
      ],
      inputs: { numbers: [5] },
    });
    expect(messages.map((m) => m.role)).toEqual(["system", "user", "assistant", "user", "assistant", "user"]);
    expect(JSON.parse(messages[2]!.content)).toEqual({ total: 2, steps: MISSING_FIELD });
    expect(JSON.parse(messages[4]!.content)).toEqual({ total: 1, steps: ["1"] });
  });

  it("reports non-JSON and schema violations, then raises AdapterParseError", async () => {
    expect(adapter.parse(Sum, "no json here")).toMatchObject({ ok: false, error: { message: "- the answer contains no JSON object" } });
    expect(adapter.parse(Sum, "{ total: 1 }")).toMatchObject({ ok: false, error: { message: expect.stringContaining("not valid JSON") } });
    const r = adapter.parse(Sum, '{"total": "six", "steps": []}');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.issues[0]!.path).toEqual(["total"]);
    const lm = new ScriptedLM('{"total": "six", "steps": []}');
    const error = await new Predict(Sum, { lm, adapter }).forward({ numbers: [1] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AdapterParseError);
    expect((error as AdapterParseError).adapter).toBe("JSONAdapter");
    expect(lm.calls).toBe(3);
    expect(lm.requests[2]!.messages.at(-1)!.content).toMatch(/total: .*expected number/);
  });
});
