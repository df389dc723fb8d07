// Family possible_replies: what can a GenServer.call return when other
// clients act on the server at the same time: a state before or after their
// messages, another client's item, an exit when the server is too slow for
// the call's timeout.
import type { Rng } from "@otpforge/core";
import { scenarioModule, wrapFn } from "./elixir-text.js";
import { numberServer } from "./servers.js";
import { childNames, difficultyOf, lines, type ConcurrentWorld } from "./world.js";

const NUMBER_SERVERS = ["Tally", "Meter", "Gauge", "Ledger"];
const ITEMS = ["apple", "pear", "plum", "fig", "kiwi"];

const CATCH_EXIT = ["catch", "  :exit, {reason, _} -> {:exit, reason}"];

/** t1 reads the state while other clients cast or call changes. */
export function readDuringWrites(rng: Rng): ConcurrentWorld {
  const name = rng.pick(NUMBER_SERVERS);
  const initial = rng.int(0, 5);
  const writers = rng.int(1, 2);
  const ops = Array.from({ length: writers }, () => ({ op: rng.pick(["cast_add", "call_add", "cast_set"] as const), n: rng.int(1, 9) }));
  const text = (o: (typeof ops)[number]) =>
    o.op === "cast_add"
      ? `GenServer.cast(${name}, {:add, ${o.n}})`
      : o.op === "call_add"
        ? `GenServer.call(${name}, {:add, ${o.n}})`
        : `GenServer.cast(${name}, {:set, ${o.n}})`;
  const body = [
    `{:ok, _} = ${name}.start_link(${initial})`,
    `t1 = Task.async(fn -> GenServer.call(${name}, :get) end)`,
    ...ops.map((o, i) => `t${i + 2} = Task.async(fn -> ${text(o)} end)`),
    ...ops.map((_, i) => `Task.await(t${i + 2})`),
    "Task.await(t1)",
  ];
  return {
    family: "possible_replies",
    variant: "read_during_writes",
    difficulty: difficultyOf(writers + 1),
    modules: numberServer(name),
    scenario: scenarioModule(body),
    legend: childNames([name, "the task t1", ...ops.map((_, i) => `the task t${i + 2}`)]),
    questions: [{ key: "t1", text: `Scenario.run/0 returns the reply to t1's GenServer.call(${name}, :get). Which values can it return?` }],
    shape: { ops: ops.map((o) => o.op) },
    params: { initial, ops },
  };
}

const STOCK = lines(
  "defmodule Stock do",
  "  use GenServer",
  "",
  "  def start_link(items), do: GenServer.start_link(__MODULE__, items, name: __MODULE__)",
  "  def init(items), do: {:ok, items}",
  "",
  "  def handle_call(:take, _from, [item | rest]), do: {:reply, {:ok, item}, rest}",
  "  def handle_call(:take, _from, []), do: {:reply, :empty, []}",
  "end",
);

/** Clients taking items from a stock: who gets which, and who finds it empty. */
export function takeItems(rng: Rng): ConcurrentWorld {
  const clients = rng.int(2, 3);
  const items = rng.sample(ITEMS, rng.int(1, clients));
  const body = [
    `{:ok, _} = Stock.start_link([${items.map((i) => `:${i}`).join(", ")}])`,
    ...Array.from({ length: clients }, (_, i) => `t${i + 1} = Task.async(fn -> GenServer.call(Stock, :take) end)`),
    `{${Array.from({ length: clients }, (_, i) => `Task.await(t${i + 1})`).join(", ")}}`,
  ];
  const tasks = Array.from({ length: clients }, (_, i) => `t${i + 1}`).join(", ");
  return {
    family: "possible_replies",
    variant: "take_items",
    difficulty: difficultyOf(clients),
    modules: STOCK,
    scenario: scenarioModule(body),
    legend: childNames(["Stock", ...Array.from({ length: clients }, (_, i) => `the task t${i + 1}`)]),
    questions: [
      {
        key: "t1",
        part: 0,
        text: "Scenario.run/0 returns a tuple of the tasks' replies; its first element is t1's reply to GenServer.call(Stock, :take). Which replies can t1 get?",
      },
      { key: "all", text: `Scenario.run/0 returns the tuple of the replies of ${tasks} (in that order). Which tuples can it return?` },
    ],
    shape: { clients, items: items.length },
    params: { items },
  };
}

const SLOW = (name: string) =>
  lines(
    `defmodule ${name} do`,
    "  use GenServer",
    "",
    "  def start_link(n), do: GenServer.start_link(__MODULE__, n, name: __MODULE__)",
    "  def init(n), do: {:ok, n}",
    "",
    "  def handle_call(:get, _from, n), do: {:reply, n, n}",
    "",
    "  def handle_cast({:slow_add, k, ms}, n) do",
    "    Process.sleep(ms)",
    "    {:noreply, n + k}",
    "  end",
    "end",
  );

/** t1 casts a slow update, t2 calls with a timeout: the call may wait behind the slow cast. */
export function slowServer(rng: Rng): ConcurrentWorld {
  const name = rng.pick(NUMBER_SERVERS);
  const initial = rng.int(0, 9);
  const k = rng.int(1, 9);
  const sleep = 100 * rng.int(1, 4);
  let timeout = 100 * rng.int(1, 4) + 50;
  if (Math.abs(timeout - sleep) < 50) timeout += 100;
  const body = [
    `{:ok, _} = ${name}.start_link(${initial})`,
    `t1 = Task.async(fn -> GenServer.cast(${name}, {:slow_add, ${k}, ${sleep}}) end)`,
    wrapFn("t2 = Task.async(", ["try do", `  GenServer.call(${name}, :get, ${timeout})`, ...CATCH_EXIT, "end"]),
    "Task.await(t1)",
    "Task.await(t2)",
  ];
  return {
    family: "possible_replies",
    variant: "slow_server",
    difficulty: "hard",
    modules: SLOW(name),
    scenario: scenarioModule(body),
    legend: childNames([name, "the task t1", "the task t2"]),
    questions: [
      {
        key: "t2",
        text: `Scenario.run/0 returns what t2's GenServer.call(${name}, :get, ${timeout}) gave: the reply, or {:exit, reason} when the call exited (reason without the {GenServer, :call, ...} part). Which values can it return?`,
      },
    ],
    shape: { timesOut: timeout < sleep },
    params: { initial, k, sleep, timeout },
  };
}

export const CALL_REPLIES = { readDuringWrites, takeItems, slowServer };
