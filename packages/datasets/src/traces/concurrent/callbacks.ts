// GenServer callbacks whose timing is the question: terminate/2 (it sees the
// state as it is when the stop is handled, not what is still on its way),
// handle_continue/2 (it runs before the next message, unlike a message sent to
// self), and a reply that comes after the caller's timeout (dropped for a
// GenServer.call, which waits on an alias, but not for a plain message).
import type { Rng } from "@otpforge/core";
import { assign, block, scenarioModule, wrapFn } from "./elixir-text.js";
import { childNames, lines, type ConcurrentWorld } from "./world.js";

const WORDS = ["apple", "pear", "plum", "fig", "kiwi", "lime"];
const RECEIVE_ONE = (pattern: string, value: string) => ["receive do", `  ${pattern} -> ${value}`, "end"].join("\n");

const BUFFER = (name: string) =>
  lines(
    `defmodule ${name} do`,
    "  use GenServer",
    "",
    "  def start_link(owner), do: GenServer.start_link(__MODULE__, owner, name: __MODULE__)",
    "  def init(owner), do: {:ok, {owner, []}}",
    "",
    "  def handle_cast({:put, x}, {owner, items}), do: {:noreply, {owner, [x | items]}}",
    "",
    "  def terminate(_reason, {owner, items}) do",
    "    send(owner, {:flushed, Enum.reverse(items)})",
    "  end",
    "end",
  );

/** message_loss: clients put items into a buffer while another stops it; terminate/2 reports what it holds. */
export function stopFlush(rng: Rng): ConcurrentWorld {
  const name = rng.pick(["Buffer", "Batch", "Outbox"]);
  // (One putter: with two, the orders of two casts, a stop and the awaits pass 1000 schedules.)
  const putters = 1;
  const [first, ...items] = rng.sample(WORDS, putters + 1) as [string, ...string[]];
  const tasks = [
    ...items.map((x, i) => `t${i + 1} = Task.async(fn -> GenServer.cast(${name}, {:put, :${x}}) end)`),
    `t${putters + 1} = Task.async(fn -> GenServer.stop(${name}) end)`,
  ];
  const body = block(
    `{:ok, _} = ${name}.start_link(self())`,
    `GenServer.cast(${name}, {:put, :${first}})`,
    ...tasks,
    ...tasks.map((_, i) => `Task.await(t${i + 1})`),
    RECEIVE_ONE("{:flushed, items}", "items"),
  );
  const who = items.map((x, i) => `t${i + 1}'s :${x}`).join(" and ");
  return {
    family: "message_loss",
    variant: "stop_flush",
    difficulty: "medium",
    modules: BUFFER(name),
    scenario: scenarioModule(body),
    legend: childNames([name, ...tasks.map((_, i) => `the task t${i + 1}`)]),
    questions: [
      {
        key: "flushed",
        text:
          `Scenario.run/0 returns the list ${name}'s terminate/2 reports when t${putters + 1}'s GenServer.stop ends it; ` +
          `an item is missing when its cast was lost (${who}). Which lists can it return?`,
      },
    ],
    shape: {},
    params: { name, first, items },
  };
}

const REPORTER = (name: string, viaContinue: boolean) =>
  lines(
    `defmodule ${name} do`,
    "  use GenServer",
    "",
    "  def start_link(owner), do: GenServer.start_link(__MODULE__, owner, name: __MODULE__)",
    "  def init(owner), do: {:ok, {owner, []}}",
    "",
    ...(viaContinue
      ? [
          "  def handle_cast({:add, x}, {owner, xs}) do",
          "    {:noreply, {owner, xs ++ [x]}, {:continue, :report}}",
          "  end",
          "",
          "  def handle_continue(:report, {owner, xs} = state) do",
        ]
      : [
          "  def handle_cast({:add, x}, {owner, xs}) do",
          "    send(self(), :report)",
          "    {:noreply, {owner, xs ++ [x]}}",
          "  end",
          "",
          "  def handle_info(:report, {owner, xs} = state) do",
        ]),
    "    send(owner, {:report, xs})",
    "    {:noreply, state}",
    "  end",
    "end",
  );

/**
 * arrival_order: two clients add to a server that reports its list after each add, from
 * handle_continue (before any other message) or from a message it sends itself (which the
 * other client's add may overtake).
 */
export function continueReports(rng: Rng): ConcurrentWorld {
  const name = rng.pick(["Feed", "Board", "Tracker"]);
  const viaContinue = rng.chance(0.5);
  const [a, b] = rng.sample(WORDS, 2) as [string, string];
  const body = block(
    `{:ok, _} = ${name}.start_link(self())`,
    `t1 = Task.async(fn -> GenServer.cast(${name}, {:add, :${a}}) end)`,
    `t2 = Task.async(fn -> GenServer.cast(${name}, {:add, :${b}}) end)`,
    "Task.await(t1)",
    "Task.await(t2)",
    `for _ <- 1..2, do: receive(do: ({:report, xs} -> xs))`,
  );
  return {
    family: "arrival_order",
    variant: viaContinue ? "continue_reports" : "self_sent_reports",
    difficulty: viaContinue ? "medium" : "hard",
    modules: REPORTER(name, viaContinue),
    scenario: scenarioModule(body),
    legend: childNames([name, "the task t1", "the task t2"]),
    questions: [
      {
        key: "reports",
        text: `Scenario.run/0 returns the two lists ${name} reports to System, in the order they arrive. Which values can it return?`,
      },
    ],
    shape: { viaContinue },
    params: { name, a, b },
  };
}

const SLOW = (name: string, raw: boolean, sleep: number) =>
  lines(
    `defmodule ${name} do`,
    "  use GenServer",
    "",
    "  def start_link(n), do: GenServer.start_link(__MODULE__, n, name: __MODULE__)",
    "  def init(n), do: {:ok, n}",
    "",
    raw
      ? lines("  def handle_info({:get, from}, n) do", "    send(from, {:value, n})", "    {:noreply, n}", "  end")
      : "  def handle_call(:get, _from, n), do: {:reply, n, n}",
    "",
    "  def handle_cast({:slow_add, k}, n) do",
    `    Process.sleep(${sleep})`,
    "    {:noreply, n + k}",
    "  end",
    "end",
  );

/**
 * possible_replies: t2 asks for the value with a timeout while t1's slow cast may be handled first.
 * Asked with GenServer.call, a reply after the timeout is dropped (the call waited on an alias, given
 * up at the timeout); asked with a plain message, the late answer lands in t2's mailbox.
 */
export function lateReply(rng: Rng): ConcurrentWorld {
  const name = rng.pick(["Vault", "Store", "Depot"]);
  const raw = rng.chance(0.5);
  const initial = rng.int(0, 9);
  const k = rng.int(1, 9);
  const sleep = 100 * rng.int(2, 4);
  const timeout = 100 * rng.int(1, sleep / 100 - 1) - 50;
  const grace = sleep + 100;
  const first = raw
    ? ["receive do", "  {:value, n} -> {:reply, n}", "after", `  ${timeout} -> :timeout`, "end"].join("\n")
    : ["try do", `  {:reply, GenServer.call(${name}, :get, ${timeout})}`, "catch", "  :exit, {:timeout, _} -> :timeout", "end"].join("\n");
  const ask = block(
    ...(raw ? [`send(${name}, {:get, self()})`] : []),
    assign("first", first),
    assign("late", ["receive do", "  m -> {:late, m}", "after", `  ${grace} -> :none`, "end"].join("\n")),
    "{first, late}",
  );
  const body = block(
    `{:ok, _} = ${name}.start_link(${initial})`,
    `t1 = Task.async(fn -> GenServer.cast(${name}, {:slow_add, ${k}}) end)`,
    assign("t2", wrapFn("Task.async(", ask)),
    "Task.await(t1)",
    `Task.await(t2, ${grace * 3})`,
  );
  const how = raw
    ? `send(${name}, {:get, self()}) and waits ${timeout} ms for {:value, n}`
    : `calls GenServer.call(${name}, :get, ${timeout})`;
  return {
    family: "possible_replies",
    variant: raw ? "late_message" : "late_reply",
    difficulty: "hard",
    modules: SLOW(name, raw, sleep),
    scenario: scenarioModule(body),
    legend: childNames([name, "the task t1", "the task t2"]),
    questions: [
      {
        key: "t2",
        text:
          `t2 ${how}, then waits ${grace} ms more for any other message; Scenario.run/0 returns t2's {first, late}: ` +
          "first is {:reply, n} or :timeout, late is {:late, message} or :none. Which values can it return?",
      },
    ],
    shape: { raw },
    params: { name, initial, k, sleep, timeout },
  };
}

export const CALLBACKS = { stopFlush, continueReports, lateReply };
