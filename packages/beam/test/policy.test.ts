import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkPolicy, createPool, type Pool, type PolicyResult } from "../src/index.js";

let pool: Pool;
beforeAll(async () => {
  pool = await createPool({ size: 1 });
});
afterAll(async () => {
  await pool?.close();
});

const check = (source: string) => pool.checkPolicy(source);
const messages = (r: PolicyResult) => (r.ok ? [] : r.violations.map((v) => v.message));

describe("the static policy", () => {
  it("accepts ordinary OTP code", async () => {
    const source = `
defmodule Shop.Cart do
  use GenServer
  require Logger
  alias Shop.Cart.Item
  import Bitwise, only: [band: 2]
  @timeout 5_000
  def start_link(opts \\\\ []), do: GenServer.start_link(__MODULE__, :ok, opts)
  def add(pid, item), do: GenServer.call(pid, {:add, item}, @timeout)
  def init(:ok) do
    Process.flag(:trap_exit, true)
    :ets.new(:items, [:set, :private])
    {:ok, %{items: [], started: System.monotonic_time(:millisecond)}}
  end
  def handle_call({:add, item}, _from, state) do
    state = %{state | items: [item | state.items]}
    Logger.debug("added #{inspect(item)}")
    {:reply, length(state.items) |> band(255), state}
  end
  def handle_info({:EXIT, _pid, _reason}, state), do: {:noreply, state}
  def total(items), do: items |> Enum.map(& &1.price) |> Enum.sum()
  def sum_with_apply(xs), do: apply(Enum, :sum, [xs])
  def local_apply, do: apply(__MODULE__, :total, [[]])
  def later(pid), do: Process.send_after(pid, :tick, 10)
  def q, do: :queue.new() |> then(&:queue.in(1, &1))
  def ext, do: Item.new() |> NotDefinedAnywhere.call()
end`;
    expect(await check(source)).toEqual({ ok: true });
  });

  it("names the call and the line", async () => {
    const r = await check('defmodule A do\n  def f do\n    File.write!("x", "y")\n  end\nend');
    expect(r).toEqual({
      ok: false,
      violations: [{ message: "File.write!/2 is not allowed in sandboxed code (line 3)", line: 3, file: "source.ex" }],
    });
  });

  it("reports every violation, piped calls with their full arity", async () => {
    const r = await check('x = "a" |> File.read!()\n:os.getenv()\n"b" |> String.to_atom()');
    expect(messages(r)).toEqual([
      "File.read!/1 is not allowed in sandboxed code (line 1)",
      ":os.getenv/0 is not allowed in sandboxed code (line 2)",
      "String.to_atom/1 is not allowed in sandboxed code: it creates atoms, which are never garbage-collected (line 3)",
    ]);
  });

  it("leaves modules from data in apply/3, spawn/3 and var.fun() to the run-time check, and refuses literal forbidden ones", async () => {
    // Passed statically, checked when the call runs (hostile.test.ts: "module held in a variable").
    expect(await check("m = Enum\napply(m, :sum, [[1]])")).toEqual({ ok: true });
    expect(await check("spawn(mod(), :run, [])")).toEqual({ ok: true });
    expect(messages(await check('apply(System, :cmd, ["ls", []])'))).toEqual(["System.cmd/2 is not allowed in sandboxed code (line 1)"]);
    expect(messages(await check(":erlang.apply(Enum, :sum, [[1]])"))).toEqual([
      ":erlang.apply/3 is not allowed in sandboxed code (line 1)",
    ]);
    expect(await check("state = %{n: 1}\nstate.n")).toEqual({ ok: true });
  });

  it("refuses captures of forbidden functions and aliases that hide them", async () => {
    expect(messages(await check("f = &System.cmd/3"))).toEqual(["System.cmd/3 is not allowed in sandboxed code (line 1)"]);
    expect(messages(await check('alias File, as: F\nF.rm_rf!("/")'))).toEqual(["File.rm_rf!/1 is not allowed in sandboxed code (line 2)"]);
    expect(messages(await check('import File\nrm_rf!("/")'))[0]).toBe(
      "import File is not allowed in sandboxed code: call its functions by their full name (line 1)",
    );
  });

  it("refuses redefining a module of the runtime, and defimpl for a built-in type", async () => {
    expect(messages(await check("defmodule Enum do\nend"))).toEqual([
      "defmodule Enum redefines a module that already exists in the runtime (line 1)",
    ]);
    expect(messages(await check('defimpl String.Chars, for: Integer do\n  def to_string(_), do: ""\nend'))).toEqual([
      "defimpl String.Chars for Integer redefines a module that already exists in the runtime (line 1)",
    ]);
  });

  it("reports a syntax error as a violation with its line", async () => {
    const r = await check("defmodule A do\n  def f(, do: 1\nend");
    expect(r.ok).toBe(false);
    expect(messages(r)[0]).toMatch(/^source\.ex:\d+: /);
  });

  it("checks several files of one job together (their modules may call each other)", async () => {
    const r = await pool.checkPolicy([
      { name: "a.ex", source: "defmodule A do\n  def f, do: B.g()\nend" },
      { name: "b.ex", source: "defmodule B do\n  def g, do: System.halt()\nend" },
    ]);
    expect(r).toEqual({
      ok: false,
      violations: [{ message: "System.halt/0 is not allowed in sandboxed code (line 2)", line: 2, file: "b.ex" }],
    });
  });

  it("works without a pool of one's own (a shared checker)", async () => {
    expect(await checkPolicy("Enum.sum([1, 2])")).toEqual({ ok: true });
    expect(messages(await checkPolicy('System.cmd("id", [])'))).toEqual(["System.cmd/2 is not allowed in sandboxed code (line 1)"]);
  });
});
