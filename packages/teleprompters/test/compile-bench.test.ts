// The compile comparison behind `otpforge bench compile`, with tiny settings:
// the rows and what the server counted. No timing is asserted: the figures
// belong in BENCHMARKS.md, from a run on a stated machine, not in a test on a
// shared one. (The CLI's test checks the options and the printed table.)
import { describe, expect, it } from "vitest";
import { runCompileBench } from "@otpforge/teleprompters";
import { promptTokensOf, SpellerServer } from "@otpforge/teleprompters/internal";

describe("runCompileBench", () => {
  it("runs five rows (otpforge at concurrency 1 and N, with Ax's teacher and its own; Ax) and reports calls, tokens, demos and the same val score", async () => {
    const result = await runCompileBench({ repeat: 2, trainset: 16, latencyMs: 0, usPerPromptToken: 0, concurrency: 3 });
    expect(result.rows.map((row) => [row.id, row.concurrency])).toEqual([
      ["otpforge-c1-same-teacher", "1"],
      ["otpforge-cN-same-teacher", "3"],
      ["ax", "sequential (no knob)"],
      ["otpforge-c1-default-teacher", "1"],
      ["otpforge-cN-default-teacher", "3"],
    ]);
    for (const row of result.rows) {
      expect(row.valScores).toHaveLength(2);
      expect(row.demosKept).toBe(4);
      // Four demos need at least four calls; each call carries a prompt.
      expect(row.lmCalls.min).toBeGreaterThanOrEqual(4);
      expect(row.promptTokens.min).toBeGreaterThan(row.lmCalls.min * 50);
      expect(row.wallMs.min).toBeLessThanOrEqual(row.wallMs.median);
      expect(row.wallMs.median).toBeLessThanOrEqual(row.wallMs.max);
    }
    // The server saw Ax's teacher carry every other trainset example, and otpforge's given the same.
    const byId = (id: string) => result.rows.find((row) => row.id === id)!;
    expect(byId("ax").teacherDemos).toEqual({ min: 15, max: 15 });
    expect(byId("otpforge-c1-same-teacher").teacherDemos).toEqual({ min: 15, max: 15 });
    expect(byId("otpforge-cN-same-teacher").teacherDemos).toEqual({ min: 15, max: 15 });
    // otpforge's default teacher: 4 labeled demos, one fewer when the example run is among them.
    expect(byId("otpforge-c1-default-teacher").teacherDemos.max).toBe(4);
    expect(byId("otpforge-c1-default-teacher").teacherDemos.min).toBeGreaterThanOrEqual(3);
    // otpforge gets the trainset in the order Ax visited it: sequentially, both need the same calls.
    expect(byId("otpforge-c1-same-teacher").lmCalls).toEqual(byId("ax").lmCalls);
    expect(byId("otpforge-c1-default-teacher").lmCalls).toEqual(byId("ax").lmCalls);
    expect(result.headline.sameValScore).toBe(true);
    expect(result.headline.valScore).toBe(25);
    // Same examples in the same order: sequentially, no difference comes from the number of calls.
    expect(result.headline.sequentialGap.fromCallsMs).toBe(0);
    // With no latency charged, time outside the server is all the time there is.
    // (-0 when Ax sent fewer tokens: toBeCloseTo, as the JSON the CLI prints has no -0.)
    expect(result.headline.sequentialGap.fromPromptTokensMs).toBeCloseTo(0, 9);
    expect(result.headline.sequentialGap.outsideMs).toBeCloseTo(result.headline.sequentialGap.wallMs, 6);
    expect(byId("ax").outsideMsPerCall).not.toBeNull();
    expect(byId("otpforge-c1-same-teacher").outsideMsPerCall).not.toBeNull();
    expect(byId("otpforge-cN-same-teacher").outsideMsPerCall).toBeNull();
  }, 120_000);

  it("refuses a trainset larger than its word list", async () => {
    await expect(runCompileBench({ trainset: 100 })).rejects.toThrow(RangeError);
  });

  it("counts a call's prompt tokens as the fake server's usage does and charges base + tokens × per-token cost", async () => {
    const speller = await SpellerServer.start({ baseMs: 1, usPerPromptToken: 2 });
    try {
      speller.known = new Set(["amber"]);
      const messages = [
        { role: "system" as const, content: "Spell the word in capitals." },
        { role: "user" as const, content: "Question: spell cedar" },
        { role: "assistant" as const, content: "Answer: CEDAR" },
        { role: "user" as const, content: "Question: spell amber" },
      ];
      const res = await fetch(`${speller.openaiBaseURL}/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "m", messages }),
      });
      const body = (await res.json()) as { choices: Array<{ message: { content: string } }>; usage: { prompt_tokens: number } };
      expect(body.choices[0]!.message.content).toBe("Answer: AMBER");
      const [call, ...rest] = await speller.take();
      expect(rest).toEqual([]);
      expect(call!.promptTokens).toBe(promptTokensOf(messages));
      expect(call!.promptTokens).toBe(body.usage.prompt_tokens);
      expect(call!.demos).toBe(1);
      expect(call!.latencyMs).toBeCloseTo(1 + (2 * call!.promptTokens) / 1000, 9);
    } finally {
      await speller.close();
    }
  });
});
