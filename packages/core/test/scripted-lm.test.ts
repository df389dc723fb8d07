import { describe, expect, it } from "vitest";
import { chatReply, inputOf, ScriptedLM, ScriptedLMNoMatchError } from "../src/testing/index.js";

const ask = (content: string) => ({
  messages: [
    { role: "system" as const, content: "sys" },
    { role: "user" as const, content },
  ],
});

describe("ScriptedLM", () => {
  it("answers from the first matching rule, honours `times`, and records requests", async () => {
    const lm = new ScriptedLM([
      { when: "capital", reply: "bad", times: 1 },
      { when: /capital of (\w+)/, reply: (req) => `Paris (${/capital of (\w+)/.exec(req.messages[1]!.content)![1]})` },
      { when: (req) => req.temperature === 1, reply: "hot" },
    ]);
    expect((await lm.generate(ask("capital of France"))).completions[0]!.text).toBe("bad");
    expect((await lm.generate(ask("capital of France"))).completions[0]!.text).toBe("Paris (France)");
    expect((await lm.generate({ ...ask("other"), temperature: 1 })).completions[0]!.text).toBe("hot");
    await expect(lm.generate(ask("unmatched question"))).rejects.toThrow(ScriptedLMNoMatchError);
    await expect(lm.generate(ask("unmatched question"))).rejects.toThrow(/unmatched question/);
    expect(lm.calls).toBe(5);
    expect(lm.requests[2]!.temperature).toBe(1);
    expect(lm.lastRequest!.messages[1]!.content).toBe("unmatched question");
  });

  it("returns n completions, usage and its id", async () => {
    const lm = new ScriptedLM((_, call) => `call ${call}`, { id: "scripted/x" });
    const r = await lm.generate({ ...ask("hello there"), n: 3 });
    expect(r.completions.map((c) => c.text)).toEqual(["call 0", "call 0", "call 0"]);
    expect(r.model).toBe("scripted/x");
    expect(r.cacheHit).toBe(false);
    expect(r.usage.promptTokens).toBe(Math.ceil("sys\n\nhello there".length / 4));
  });

  it("reads input fields out of adapter prompts and writes chat answers", () => {
    const req = ask("[[ ## question ## ]]\nWhat is\n2+2?\n\n[[ ## k ## ]]\n3\n\nRespond with the corresponding output fields.");
    expect(inputOf(req, "question")).toBe("What is\n2+2?");
    expect(inputOf(req, "k")).toBe("3");
    expect(inputOf(req, "missing")).toBeUndefined();
    expect(chatReply({ a: "x", b: [1] })).toBe("[[ ## a ## ]]\nx\n\n[[ ## b ## ]]\n[1]\n\n[[ ## completed ## ]]");
  });
});
