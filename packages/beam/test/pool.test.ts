import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPool, findElixir, ElixirNotFoundError, InvalidJobError, PoolClosedError, type Pool } from "../src/index.js";
import { COUNTER, osProcessLeft } from "./helpers.js";

let pool: Pool;
beforeAll(async () => {
  pool = await createPool({ size: 2, graceMs: 1500 });
});
afterAll(async () => {
  await pool?.close();
});

describe("running jobs", () => {
  it("evaluates a script: value as inspect text and JSON, stdout captured", async () => {
    const r = await pool.run({
      script: 'IO.puts("hello")\nIO.inspect(:x)\n%{sum: Enum.sum([1, 2, 3]), pair: {1, :two}, s: "q\\"\\n", none: nil}',
    });
    expect(r.status).toBe("ok");
    expect(r.stdout).toBe("hello\n:x\n");
    expect(r.value).toBe('%{none: nil, pair: {1, :two}, s: "q\\"\\n", sum: 6}');
    expect(r.valueJson).toEqual({ sum: 6, pair: [1, "two"], s: 'q"\n', none: null });
    expect(r.durationMs).toBeGreaterThan(0);
  });

  it("gives valueJson only for JSON-like values", async () => {
    const cases: Array<[string, unknown]> = [
      ['"héllo ✓"', "héllo ✓"],
      ["[1.5, true, false, Counter]", [1.5, true, false, "Counter"]],
      ["%{1 => :a}", { "1": "a" }],
      ['~c"ab"', [97, 98]],
    ];
    for (const [script, json] of cases) {
      const r = await pool.run({ script });
      expect(r.status, script).toBe("ok");
      expect(r.valueJson, script).toEqual(json);
    }
    for (const script of ["self()", "make_ref()", "MapSet.new([1])", "<<255, 0>>", "fn -> 1 end", "[1 | 2]"]) {
      const r = await pool.run({ script });
      expect(r.status, script).toBe("ok");
      expect("valueJson" in r, script).toBe(false);
      expect(r.value, script).toBeTruthy();
    }
  });

  it("compiles files, then calls Module.fun(args) with JSON arguments", async () => {
    const r = await pool.run({
      files: [{ name: "math.ex", source: 'defmodule MyMath do\n  def scale(%{"k" => k}, xs), do: Enum.map(xs, &(&1 * k))\nend' }],
      call: { module: "MyMath", fun: "scale", args: [{ k: 3 }, [1, 2]] },
    });
    expect(r.status).toBe("ok");
    expect(r.valueJson).toEqual([3, 6]);
  });

  it("runs a GenServer from a file and its script", async () => {
    const r = await pool.run({
      files: [{ name: "counter.ex", source: COUNTER }],
      script: "{:ok, _} = Counter.start_link(41)\nCounter.inc()",
    });
    expect(r.status).toBe("ok");
    expect(r.value).toBe("42");
  });

  it("lets two jobs define the same module differently (modules are purged)", async () => {
    const buggy = "defmodule Twice do\n  def run(x), do: x + x + 1\nend";
    const fixed = "defmodule Twice do\n  def run(x), do: x * 2\nend";
    const a = await pool.run({ files: [{ name: "twice.ex", source: buggy }], call: { module: "Twice", fun: "run", args: [5] } });
    const b = await pool.run({ files: [{ name: "twice.ex", source: fixed }], call: { module: "Twice", fun: "run", args: [5] } });
    const c = await pool.run({ script: "Code.ensure_loaded?(Twice)", trusted: true });
    expect([a.value, b.value, c.value]).toEqual(["11", "10", "false"]);
  });

  it("reports syntax and compile errors as compile_error with file and line", async () => {
    const syntax = await pool.run({ files: [{ name: "broken.ex", source: "defmodule Broken do\n  def f(, do: 1\nend" }] });
    expect(syntax.status).toBe("compile_error");
    expect(syntax.message).toMatch(/^broken\.ex:\d+: /);
    const undef = await pool.run({ files: [{ name: "u.ex", source: "defmodule U do\n  def f, do: nope()\nend" }] });
    expect(undef.status).toBe("compile_error");
    expect(undef.message).toContain("u.ex:2");
    expect(undef.message).toContain("undefined function nope/0");
  });

  it("reports exceptions, exits and throws as runtime_error with where they happened", async () => {
    const raised = await pool.run({
      files: [{ name: "boom.ex", source: 'defmodule Boom do\n  def go do\n    raise ArgumentError, "bad thing"\n  end\nend' }],
      call: { module: "Boom", fun: "go" },
    });
    expect(raised.status).toBe("runtime_error");
    expect(raised.message).toBe("** (ArgumentError) bad thing (boom.ex:3)");
    const exited = await pool.run({ script: "exit(:shutdown_now)" });
    expect(exited.status).toBe("runtime_error");
    expect(exited.message).toContain("shutdown_now");
    const linked = await pool.run({ script: 'spawn_link(fn -> raise "in a child" end)\nProcess.sleep(1000)' });
    expect(linked.status).toBe("runtime_error");
    expect(linked.message).toBe("the job's main process exited: ** (RuntimeError) in a child");
  });

  it("captures stderr separately (IO.warn, Logger)", async () => {
    const r = await pool.run({ script: 'IO.puts(:stderr, "to stderr")\nrequire Logger\nLogger.error("logged")\n:ok' });
    expect(r.status).toBe("ok");
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("to stderr");
    expect(r.stderr).toContain("logged");
  });

  it("queues jobs when every worker is busy", async () => {
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => pool.run({ script: `Process.sleep(20)\n${i} * 2` })));
    expect(results.map((r) => r.valueJson)).toEqual(Array.from({ length: 12 }, (_, i) => i * 2));
  });

  it("times out a trusted job, kills its processes and keeps the worker", async () => {
    const before = pool.stats().workersReplaced;
    const r = await pool.run({
      script: "spawn(fn -> Process.sleep(:infinity) end)\nreceive do\n  :never -> :ok\nend",
      limits: { timeoutMs: 300 },
      trusted: true,
    });
    expect(r.status).toBe("timeout");
    expect(r.message).toContain("300 ms");
    const after = await pool.run({ script: "length(Process.list())", trusted: true });
    expect(after.status).toBe("ok");
    expect(pool.stats().workersReplaced).toBe(before);
  });

  it("kills and replaces a worker that stops answering", async () => {
    // A suspension lasts as long as the suspending process: keep one alive.
    const script =
      "spawn(fn -> :erlang.suspend_process(Process.whereis(:otpforge_runner)); Process.sleep(:infinity) end)\nProcess.sleep(:infinity)";
    const r = await pool.run({ script, trusted: true, limits: { timeoutMs: 300 } });
    expect(r.status).toBe("timeout");
    expect(r.message).toContain("killed and replaced");
    const again = await pool.run({ script: "1 + 1" });
    expect(again.value).toBe("2");
  });

  it("gives crashed when a trusted job takes its VM down, and replaces the worker", async () => {
    const replaced = pool.stats().workersReplaced;
    const r = await pool.run({ script: "System.halt(3)", trusted: true });
    expect(r.status).toBe("crashed");
    expect(r.message).toContain("exit code 3");
    expect(pool.stats().workersReplaced).toBe(replaced + 1);
    expect((await pool.run({ script: ":alive" })).value).toBe(":alive");
  });

  it("skips the policy only for trusted jobs", async () => {
    const script = "File.cwd!() |> is_binary()";
    expect((await pool.run({ script })).status).toBe("policy_violation");
    expect((await pool.run({ script, trusted: true })).value).toBe("true");
  });

  it("refuses malformed jobs with a typed error", async () => {
    await expect(pool.run({} as never)).rejects.toBeInstanceOf(InvalidJobError);
    await expect(pool.run({ script: "1", limits: { timeoutMs: -1 } })).rejects.toThrow(/limits.timeoutMs must be a positive number/);
    await expect(pool.run({ call: { module: "A" } } as never)).rejects.toThrow(/call must be/);
    // The message tracer is gone: a job that asks for it hears so instead of getting no trace.
    await expect(pool.run({ script: "1", trace: true } as never)).rejects.toThrow(/job.trace was removed/);
  });
});

describe("pool life cycle", () => {
  it("recycles workers after maxJobsPerWorker and leaves no OS process after close", async () => {
    const small = await createPool({ size: 1, maxJobsPerWorker: 2 });
    const seen = new Set<number>(small.osPids());
    for (let i = 0; i < 5; i++) {
      expect((await small.run({ script: `${i}` })).value).toBe(String(i));
      for (const p of small.osPids()) seen.add(p);
    }
    expect(small.stats().workersReplaced).toBeGreaterThanOrEqual(2);
    await small.close();
    expect(osProcessLeft([...seen])).toEqual([]);
    await expect(small.run({ script: "1" })).rejects.toBeInstanceOf(PoolClosedError);
  });

  it("explains how to install Elixir when it is missing", async () => {
    const err = await findElixir({ ...process.env, OTPFORGE_ELIXIR: "/nonexistent/elixir" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ElixirNotFoundError);
    expect((err as Error).message).toContain("apt-get install -y elixir");
    const ok = await findElixir();
    expect(Number(ok.otpRelease)).toBeGreaterThanOrEqual(25);
  });
});
