// `otpforge bench compile`: the options it refuses and the table it prints.
// What the rows measure is tested where the measuring lives
// (packages/teleprompters/test/compile-bench.test.ts).
import { describe, expect, it } from "vitest";
import { compileBench } from "../src/bench/compile.js";
import { UsageError } from "../src/verb.js";

// The bench's own entry point rather than the whole CLI: its figures do not depend on the other verbs.
async function bench(argv: string[]) {
  let stdout = "";
  let stderr = "";
  const io = {
    stdout: (t: string) => (stdout += t),
    stderr: (t: string) => (stderr += t),
    isTTY: false,
    cwd: process.cwd(),
    env: process.env,
  };
  const code = await compileBench.run(argv, io);
  return { code, stdout, stderr };
}

describe("otpforge bench compile", () => {
  it("prints one table row per way of compiling and where the differences come from", async () => {
    const r = await bench(["--repeat", "1", "--trainset", "16", "--latency-ms", "0", "--us-per-prompt-token", "0", "--concurrency", "3"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(
      "| system | concurrency | teacher | teacher demos per call | compile wall time, median (min–max) | LM calls | prompt tokens per compile |",
    );
    expect(r.stdout.split("\n").filter((line) => line.startsWith("| otpforge") || line.startsWith("| Ax"))).toHaveLength(5);
    expect(r.stdout).toContain("Time to the same val score: every compile of every row scored 25.0");
    expect(r.stdout).toContain("- Parallelism: otpforge, same teacher, concurrency 1 / 3 = ");
  }, 120_000);

  it("rejects a trainset too small for four demos among the known quarter, or larger than its word list", async () => {
    await expect(bench(["--trainset", "8"])).rejects.toThrow(new UsageError('--trainset must be an integer >= 16, got "8"'));
    await expect(bench(["--trainset", "100"])).rejects.toThrow(UsageError);
  });
});
