// `otpforge bench compile` with tiny settings: the table's shape and what the
// server counted. No timing is asserted: the figures belong in BENCHMARKS.md,
// from a run on a stated machine, not in a test on a shared one.
import { describe, expect, it } from "vitest";
import { compileBench, formatCompileBench, type CompileBenchResult } from "../src/bench/compile.js";
import { promptTokensOf, SpellerServer } from "../src/bench/compile-server.js";
import { UsageError } from "../src/verb.js";

// The bench's own entry point rather than the whole CLI: its figures do not depend on the other verbs.
async function bench(argv: string[]) {
  let stdout = "";
  let stderr = "";
  const io = { stdout: (t: string) => (stdout += t), stderr: (t: string) => (stderr += t), isTTY: false, cwd: process.cwd(), env: process.env };
  const code = await compileBench.run(argv, io);
  return { code, stdout, stderr };
}

describe("otpforge bench compile", () => {
  it("runs five rows (otpforge at concurrency 1 and N, with Ax's teacher and its own; Ax) and reports calls, tokens, demos and the same val score", async () => {
    const r = await bench(["--repeat", "2", "--trainset", "16", "--latency-ms", "0", "--us-per-prompt-token", "0", "--concurrency", "3", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as CompileBenchResult;
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
    expect(result.headline.sequentialGap.fromPromptTokensMs).toBe(0);
    expect(result.headline.sequentialGap.outsideMs).toBeCloseTo(result.headline.sequentialGap.wallMs, 6);
    expect(byId("ax").outsideMsPerCall).not.toBeNull();
    expect(byId("otpforge-c1-same-teacher").outsideMsPerCall).not.toBeNull();
    expect(byId("otpforge-cN-same-teacher").outsideMsPerCall).toBeNull();

    const text = formatCompileBench(result);
    expect(text).toContain("| system | concurrency | teacher | teacher demos per call | compile wall time, median (min–max) | LM calls | prompt tokens per compile |");
    expect(text.split("\n").filter((line) => line.startsWith("| otpforge") || line.startsWith("| Ax"))).toHaveLength(5);
    expect(text).toContain("Time to the same val score: every compile of every row scored 25.0");
    expect(text).toContain("- Parallelism: otpforge, same teacher, concurrency 1 / 3 = ");
  }, 120_000);

  it("rejects a trainset too small for four demos among the known quarter, or larger than its word list", async () => {
    await expect(bench(["--trainset", "8"])).rejects.toThrow(new UsageError('--trainset must be an integer >= 16, got "8"'));
    await expect(bench(["--trainset", "100"])).rejects.toThrow(UsageError);
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
