import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPool, explore, type JobRunner } from "@otpforge/beam";
import { catalogEntry } from "@otpforge/otp-signatures";
import { scenarioSource, searchSide, verifyPair } from "../src/index.js";
import { InvalidPairInputError, runScenario, sameProgram, stripCodeFence } from "../src/internal.js";

// Pair verification on the BEAM: each case below is one of the outcomes the
// verdict must tell apart. Sources come from the reference catalog where a
// real pair fits, and are written inline where the case needs a broken one.

let pool: JobRunner & { close(): Promise<void> };
beforeAll(async () => {
  pool = await createPool({ size: 2 });
});
afterAll(async () => {
  await pool?.close();
});

const callingSelf = catalogEntry("calling-self");
const callCycle = catalogEntry("call-cycle");
const lostUpdate = catalogEntry("lost-update-separate-calls");

// A "fix" that does not fix, and tries to write its own passing verdict to the
// worker's result channel instead (the attack once made runScenario pass).
const FORGER = `
defmodule Forger do
  def forge do
    runner = Process.whereis(:otpforge_runner)
    {:links, links} = Process.info(runner, :links)
    port = Enum.find(links, &is_port/1)
    frame = ~s({"op":"result","id":1,"result":{"status":"ok","message":"ok","value":":ok"}})
    GenServer.reply({port, runner}, {:command, frame})
  end
end
`;

describe("verifyPair", () => {
  it("judges a broken fix that tries to forge its verdict broken (runScenario and verifyPair)", async () => {
    const forgingFix = callingSelf.buggy + FORGER;
    const harness = callingSelf.harness.replace("def run do", "def run do\n    Forger.forge()");
    expect(harness).toContain("Forger.forge()");
    const { outcome, job } = await runScenario(pool, forgingFix, harness, 1, { timeoutMs: 8000 });
    expect(outcome.passed).toBe(false);
    expect(job.status).toBe("policy_violation");
    expect(job.message).toMatch(/Process\.info of .* is not allowed/);
    const v = await verifyPair({ buggy: callingSelf.buggy, fixed: forgingFix, harness }, { runs: 2, pool });
    expect(v.verdict).toBe("invalid");
    expect(v.fixedFailures + (v.fixed.problem ? 1 : 0)).toBeGreaterThan(0);
  });

  it("finds a pair invalid when its pass-to-pass suite fails on the buggy version (it must test only what already worked)", async () => {
    const suite = callingSelf.suite!.replace(
      "expect(:items_after_adds, Cart.items(), Enum.reverse(added))",
      "expect(:total_after_adds, Cart.total(), 1)",
    );
    const v = await verifyPair({ ...callingSelf, suite }, { runs: 1, pool });
    expect(v.verdict).toBe("invalid");
    expect(v.code).toBe("suite_fails");
    expect(v.reason).toMatch(/^the pass-to-pass suite failed 1 of 1 runs on the buggy version .*GenServer.call\(Cart, :total/);
    expect(v.reason).toMatch(/the pass-to-pass suite failed 1 of 1 runs on the fixed version .*total_after_adds/);
  });

  it("finds a reference pair valid and reports failure rates", async () => {
    const v = await verifyPair(callingSelf, { runs: 3, pool });
    expect(v.verdict).toBe("valid");
    expect(v.code).toBe("valid");
    expect(v.runs).toBe(3);
    expect(v.buggyFailures).toBe(3);
    expect(v.buggyFailureRate).toBe(1);
    expect(v.fixedFailures).toBe(0);
    expect(v.fixedFailureRate).toBe(0);
    expect(v.reason).toBe("bug reproduced in 3 of 3 runs; fix held in all 3 runs; pass-to-pass suite held in all 3 runs of both versions");
    expect(v.suite?.buggy.failures).toBe(0);
    expect(v.suite?.fixed.outcomes.map((o) => o.seed)).toEqual([501, 502, 503]);
    expect(v.buggy.outcomes.map((o) => o.run)).toEqual([1, 2, 3]);
    // The buggy side's failure is the :calling_self exit, returned as an error tuple by the harness.
    expect(v.buggy.outcomes[0]!.detail).toMatch(/calling_self/);
  });

  it("rejects two versions that are the same program up to layout and comments", async () => {
    const relaid = "# the 'fix'\n" + callingSelf.buggy.replace(/\n\n/g, "\n\n\n").replace("def start, do:", "def start,\n    do:");
    const v = await verifyPair({ buggy: callingSelf.buggy, fixed: relaid, harness: callingSelf.harness }, { runs: 4, pool });
    expect(v.verdict).toBe("invalid");
    expect(v.code).toBe("same_program");
    expect(v.reason).toMatch(/the two versions are the same program/);
    // Only the first run of each side was spent: more runs cannot tell the versions apart.
    expect(v.buggy.runs).toBe(1);
    expect(v.fixed.runs).toBe(1);
  });

  it("says when the fix still fails, with how often", async () => {
    // A "fix" that still reads and writes in two separate calls.
    const stillRacy = lostUpdate.buggy.replace("set(get() + 1)", "current = get()\n    set(current + 1)");
    const v = await verifyPair({ buggy: lostUpdate.buggy, fixed: stillRacy, harness: lostUpdate.harness }, { runs: 3, pool });
    expect(v.verdict).toBe("invalid");
    expect(v.fixedFailures).toBe(3);
    expect(v.fixedFailureRate).toBe(1);
    expect(v.reasons).toContain("fix failed in 3 of 3 runs");
    expect(v.fixed.outcomes[0]!.detail).toMatch(/lost_updates/);
  });

  it("says the bug was not reproduced when both versions pass (the brief's counter)", async () => {
    const v = await verifyPair(catalogEntry("local-variable-counter"), { runs: 3, pool });
    expect(v.verdict).toBe("invalid");
    expect(v.code).toBe("bug_not_reproduced");
    expect(v.reason).toBe("bug not reproduced in 3 runs");
    expect(v.buggyFailures).toBe(0);
    expect(v.fixedFailures).toBe(0);
  });

  it("says the harness fails on both when it fails whatever the code", async () => {
    const harness = "defmodule Scenario do\n  def run, do: {:error, :always}\nend\n";
    const v = await verifyPair({ buggy: callingSelf.buggy, fixed: callingSelf.fixed, harness }, { runs: 2, pool });
    expect(v.verdict).toBe("invalid");
    expect(v.code).toBe("harness_fails_on_both");
    expect(v.reasons[0]).toMatch(/^harness fails on both/);
  });

  it("reports a harness that does not compile, not a broken version", async () => {
    const harness = "defmodule Scenario do\n  def run do\n    :ok =\n  end\nend\n";
    const v = await verifyPair({ buggy: callingSelf.buggy, fixed: callingSelf.fixed, harness }, { runs: 2, pool });
    expect(v.verdict).toBe("invalid");
    expect(v.code).toBe("compile_error");
    expect(v.reasons).toHaveLength(1);
    expect(v.reason).toMatch(/^harness does not compile/);
    expect(v.buggy.problem).toMatchObject({ kind: "compile_error", file: "harness" });
  });

  it("reports which version does not compile", async () => {
    const broken = callingSelf.fixed.replace("def handle_call(:total, _from, items), do:", "def handle_call(:total, _from, items) do");
    const v = await verifyPair({ buggy: callingSelf.buggy, fixed: broken, harness: callingSelf.harness }, { runs: 2, pool });
    expect(v.code).toBe("compile_error");
    expect(v.reason).toMatch(/^fixed code does not compile/);
    expect(v.fixed.problem).toMatchObject({ kind: "compile_error", file: "code" });
    expect(v.buggy.problem).toBeUndefined();
  });

  it("refuses a buggy side that breaks the sandbox policy, before running anything", async () => {
    const sneaky = callingSelf.buggy.replace(
      "def init(items), do: {:ok, items}",
      'def init(items) do\n    File.read!("/etc/passwd")\n    {:ok, items}\n  end',
    );
    const v = await verifyPair({ buggy: sneaky, fixed: callingSelf.fixed, harness: callingSelf.harness }, { runs: 2, pool });
    expect(v.verdict).toBe("invalid");
    expect(v.code).toBe("policy_violation");
    expect(v.reason).toMatch(/^buggy code breaks the sandbox policy: .*File/);
    expect(v.buggy.problem).toMatchObject({ kind: "policy_violation", file: "code" });
    expect(v.buggy.runs + v.fixed.runs).toBe(0);
  });

  it("shows a deadlock by the run's time limit when the harness waits for ever", async () => {
    // The catalog's call cycle, driven with an :infinity timeout: only the run's limit ends the buggy side.
    const harness = callCycle.harness.replace("@timeout 600", "@timeout :infinity");
    const v = await verifyPair({ buggy: callCycle.buggy, fixed: callCycle.fixed, harness }, { runs: 2, pool, timeoutMs: 2_500 });
    expect(v.verdict).toBe("valid");
    expect(v.buggyFailures).toBe(2);
    expect(v.buggy.outcomes.every((o) => o.status === "timeout")).toBe(true);
    expect(v.fixed.outcomes.every((o) => o.status === "ok" && o.passed)).toBe(true);
  });

  it("rejects bad options and empty sources with a typed error", async () => {
    await expect(verifyPair(callingSelf, { runs: 0, pool })).rejects.toThrow(InvalidPairInputError);
    await expect(verifyPair({ ...callingSelf, harness: "  " }, { pool })).rejects.toThrow(/harness source is empty/);
  });
});

describe("searchSide", () => {
  // The input is drawn in every schedule; the race between the task and the
  // root gives two outcomes. The harness calls itself by name (Scenario.draw/0).
  const code = "defmodule Box do\n  def start, do: Agent.start(fn -> 0 end)\nend\n";
  const harness = `defmodule Scenario do
  def run do
    {:ok, a} = Box.start()
    n = Scenario.draw()
    t = Task.async(fn -> Agent.update(a, &(&1 + 1)) end)
    Agent.update(a, &(&1 * 2))
    Task.await(t)
    if n < 0, do: :ok, else: {n, Agent.get(a, & &1)}
  end

  def draw, do: Enum.random(1..1_000_000)
end
`;
  it("seeded, draws the same inputs in every schedule, so the search covers one run's interleavings and repeats", async () => {
    const [a, b] = await Promise.all([1, 2].map(() => explore(pool, scenarioSource(code, harness, 42), { maxSchedules: 50 })));
    expect(a!.complete).toBe(true);
    const drawn = new Set(a!.outcomes.map((o) => /^\{(\d+), [12]\}$/.exec(o.outcome)?.[1]));
    expect(a!.outcomes.map((o) => o.outcome.replace(/^\{\d+,/, "{n,")).sort()).toEqual(["{n, 1}", "{n, 2}"]);
    expect(drawn.size).toBe(1);
    expect(b!.outcomes.map((o) => o.outcome).sort()).toEqual(a!.outcomes.map((o) => o.outcome).sort());
    const r = await searchSide(pool, code, harness, 50, { seed: 42 });
    expect(r).toMatchObject({ ran: true, complete: true, failing: { outcome: expect.stringMatching(/^\{\d+, [12]\}$/) } });
  });

  it("says why the explorer could not run a side", async () => {
    const r = await searchSide(pool, "defmodule Box do\n  def start, do: :ok\nend\nIO.puts(:top)\n", harness, 5);
    expect(r).toMatchObject({ ran: false });
    if (!r.ran) expect(r.why).toMatch(/^the explorer could not run it \(/);
  });
});

describe("sameProgram", () => {
  it("normalises layout and comments on the BEAM but keeps real differences", async () => {
    expect(await sameProgram(pool, "x = 1\ny = x + 1", "# c\nx=1\n\ny =   x+1\n", 5_000)).toBe(true);
    expect(await sameProgram(pool, "x = 1\ny = x + 1", "x = 1\ny = x + 2", 5_000)).toBe(false);
    expect(await sameProgram(pool, "def (", "x = 1", 5_000)).toBeUndefined();
  });
});

describe("stripCodeFence", () => {
  it("removes one surrounding markdown fence and nothing else", () => {
    expect(stripCodeFence("```elixir\ndefmodule A do\nend\n```")).toBe("defmodule A do\nend");
    expect(stripCodeFence("```\nx = 1\n```\n")).toBe("x = 1");
    expect(stripCodeFence("defmodule A do\nend\n")).toBe("defmodule A do\nend\n");
    expect(stripCodeFence("Here:\n```elixir\nx\n```")).toBe("Here:\n```elixir\nx\n```");
  });
});
