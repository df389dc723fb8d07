// Normal OTP code must pass the sandbox untouched: every job here is untrusted
// (static policy and runtime guards on) and must behave as on a plain BEAM.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPool, type Pool } from "../src/index.js";
import { COUNTER } from "./helpers.js";

let pool: Pool;
beforeAll(async () => {
  pool = await createPool({ size: 2 });
});
afterAll(async () => {
  await pool?.close();
});

async function value(script: string, files: Array<{ name: string; source: string }> = []): Promise<string | undefined> {
  const r = await pool.run({ files, script });
  expect(r.status, `${r.message}\n${r.stderr}`).toBe("ok");
  return r.value;
}

const CHILD = `
defmodule Child do
  use GenServer
  def start_link(name), do: GenServer.start_link(__MODULE__, name, name: name)
  def init(name), do: {:ok, name}
  def handle_call(:crash, _from, _s), do: raise("crash")
  def handle_call(:ping, _from, s), do: {:reply, :pong, s}
end
`;

// Starts children a, b, c under a strategy, crashes b, reports which pids changed.
const strategyScript = (strategy: string) => `
children = for n <- [:a, :b, :c], do: Supervisor.child_spec({Child, n}, id: n)
{:ok, sup} = Supervisor.start_link(children, strategy: ${strategy})
before = for n <- [:a, :b, :c], do: Process.whereis(n)
ref = Process.monitor(Process.whereis(:b))
catch_exit = try do
  GenServer.call(:b, :crash)
catch
  :exit, _ -> :exited
end
receive do {:DOWN, ^ref, _, _, _} -> :ok end
Process.sleep(50)
after_ = for n <- [:a, :b, :c], do: Process.whereis(n)
changed = for {x, y} <- Enum.zip(before, after_), do: x != y
Supervisor.stop(sup)
{catch_exit, changed}
`;

describe("normal OTP code under the sandbox", () => {
  it("GenServer", async () => {
    expect(
      await value("{:ok, _} = Counter.start_link(0)\nCounter.inc()\nCounter.inc()\nGenServer.cast(Counter, :reset)\nCounter.get()", [
        { name: "counter.ex", source: COUNTER },
      ]),
    ).toBe("0");
  });

  it("Supervisor one_for_one, one_for_all and rest_for_one", async () => {
    const files = [{ name: "child.ex", source: CHILD }];
    expect(await value(strategyScript(":one_for_one"), files)).toBe("{:exited, [false, true, false]}");
    expect(await value(strategyScript(":one_for_all"), files)).toBe("{:exited, [true, true, true]}");
    expect(await value(strategyScript(":rest_for_one"), files)).toBe("{:exited, [false, true, true]}");
  });

  it("a module-based Supervisor with init/1", async () => {
    const sup = `
defmodule MySup do
  use Supervisor
  def start_link(_), do: Supervisor.start_link(__MODULE__, :ok, name: __MODULE__)
  @impl true
  def init(:ok), do: Supervisor.init([{Child, :x}, {Agent, fn -> 7 end}], strategy: :one_for_one)
end`;
    expect(
      await value("{:ok, _} = MySup.start_link([])\n{GenServer.call(:x, :ping), Supervisor.count_children(MySup).active}", [
        { name: "child.ex", source: CHILD },
        { name: "sup.ex", source: sup },
      ]),
    ).toBe("{:pong, 2}");
  });

  it("DynamicSupervisor", async () => {
    const script = `
{:ok, ds} = DynamicSupervisor.start_link(strategy: :one_for_one)
{:ok, _} = DynamicSupervisor.start_child(ds, {Child, :d1})
{:ok, _} = DynamicSupervisor.start_child(ds, %{id: :d2, start: {Child, :start_link, [:d2]}})
n = DynamicSupervisor.count_children(ds).active
:ok = DynamicSupervisor.terminate_child(ds, Process.whereis(:d1))
{n, DynamicSupervisor.count_children(ds).active, GenServer.call(:d2, :ping)}`;
    expect(await value(script, [{ name: "child.ex", source: CHILD }])).toBe("{2, 1, :pong}");
  });

  it("Registry with :via names and dispatch", async () => {
    const script = `
{:ok, _} = Registry.start_link(keys: :unique, name: Reg)
{:ok, _} = Agent.start_link(fn -> :in_registry end, name: {:via, Registry, {Reg, "agent-1"}})
v = Agent.get({:via, Registry, {Reg, "agent-1"}}, & &1)
{:ok, _} = Registry.start_link(keys: :duplicate, name: Topics)
{:ok, _} = Registry.register(Topics, "news", :meta)
Registry.dispatch(Topics, "news", fn entries -> for {pid, _} <- entries, do: send(pid, :broadcast) end)
got = receive do :broadcast -> :got after 500 -> :none end
{v, got, Registry.lookup(Reg, "missing")}`;
    expect(await value(script)).toBe("{:in_registry, :got, []}");
  });

  it("Agent", async () => {
    expect(
      await value(
        "{:ok, a} = Agent.start_link(fn -> [] end)\nAgent.update(a, &[1 | &1])\nAgent.update(a, &[2 | &1])\nAgent.get(a, &Enum.reverse/1)",
      ),
    ).toBe("[1, 2]");
  });

  it("Task: async/await, await_many, Task.Supervisor, async_stream", async () => {
    const script = `
t = Task.async(fn -> 21 * 2 end)
many = Task.await_many([Task.async(fn -> 1 end), Task.async(fn -> 2 end)])
{:ok, ts} = Task.Supervisor.start_link()
nolink = Task.Supervisor.async_nolink(ts, fn -> :sup end) |> Task.await()
stream = Task.async_stream(1..3, fn x -> x * x end) |> Enum.map(fn {:ok, v} -> v end)
{Task.await(t), many, nolink, stream}`;
    expect(await value(script)).toBe("{42, [1, 2], :sup, [1, 4, 9]}");
  });

  it("Process.send_after, timers and receive timeouts", async () => {
    const script = `
Process.send_after(self(), :tick, 20)
ref = Process.send_after(self(), :never, 5_000)
Process.cancel_timer(ref)
a = receive do :tick -> :ticked after 1000 -> :late end
b = receive do :never -> :oops after 50 -> :timeout end
{a, b}`;
    expect(await value(script)).toBe("{:ticked, :timeout}");
  });

  it("monitors, links and trap_exit", async () => {
    const script = `
Process.flag(:trap_exit, true)
pid = spawn_link(fn -> exit(:bye) end)
linked = receive do {:EXIT, ^pid, reason} -> reason after 1000 -> :none end
{p2, ref} = spawn_monitor(fn -> raise "x" end)
down = receive do {:DOWN, ^ref, :process, ^p2, {%RuntimeError{message: m}, _}} -> m after 1000 -> :none end
p3 = spawn(fn -> Process.sleep(:infinity) end)
Process.link(p3)
Process.exit(p3, :kill)
killed = receive do {:EXIT, ^p3, r} -> r after 1000 -> :none end
{linked, down, killed}`;
    expect(await value(script)).toBe('{:bye, "x", :killed}');
  });

  it("ETS: public and named tables, counters, match", async () => {
    const script = `
t = :ets.new(:scores, [:set, :public, :named_table])
:ets.insert(:scores, [{:a, 1}, {:b, 2}])
:ets.update_counter(:scores, :a, 10)
bag = :ets.new(:bag, [:bag])
:ets.insert(bag, [{:k, 1}, {:k, 2}])
{:ets.lookup(t, :a), :ets.match(bag, {:k, :"$1"}) |> Enum.sort(), :ets.info(:scores, :size)}`;
    expect(await value(script)).toBe("{[a: 11], [[1], [2]], 2}");
  });

  it("GenServer.call timeouts caught with catch :exit", async () => {
    const slow = `
defmodule Slow do
  use GenServer
  def start_link, do: GenServer.start_link(__MODULE__, :ok)
  def init(:ok), do: {:ok, nil}
  def handle_call(:slow, _from, s), do: (Process.sleep(500); {:reply, :done, s})
end`;
    const script = `
{:ok, s} = Slow.start_link()
r = try do
  GenServer.call(s, :slow, 50)
catch
  :exit, {:timeout, {GenServer, :call, _}} -> :timed_out
end
dead = spawn(fn -> :ok end)
Process.sleep(20)
noproc = try do
  GenServer.call(dead, :x)
catch
  :exit, {:noproc, _} -> :noproc
end
self_call = try do
  GenServer.call(self(), :x)
catch
  :exit, {:calling_self, _} -> :calling_self
end
{r, noproc, self_call, GenServer.cast(dead, :dropped)}`;
    expect(await value(script, [{ name: "slow.ex", source: slow }])).toBe("{:timed_out, :noproc, :calling_self, :ok}");
  });

  it("common helpers: structs, protocols, Stream, String, :queue, :rand with seed", async () => {
    const lib = `
defmodule Point do
  defstruct x: 0, y: 0
end
defimpl String.Chars, for: Point do
  def to_string(%Point{x: x, y: y}), do: "(#{x}, #{y})"
end`;
    const script = `
q = :queue.in(1, :queue.new()) |> then(&:queue.in(2, &1))
:rand.seed(:exsss, {1, 2, 3})
r = :rand.uniform(100)
{to_string(%Point{x: 1, y: 2}), :queue.to_list(q), Stream.cycle([1, 2]) |> Enum.take(3), String.upcase("ok"), is_integer(r)}`;
    expect(await value(script, [{ name: "point.ex", source: lib }])).toBe('{"(1, 2)", [1, 2], [1, 2, 1], "OK", true}');
  });
});
