// Family possible_final_states with a struct state: a GenServer whose state is
// a struct holding a map (items by key) and who wrote last. Each cast is one
// message, so the final state is one order of the clients' casts: a later put
// to a key overwrites, a bump adds to what is there when it is handled.
import type { Rng } from "@otpforge/core";
import { block, scenarioModule } from "./elixir-text.js";
import { childNames, difficultyOf, lines, type ConcurrentWorld } from "./world.js";

const KEYS = ["apples", "pears", "plums"];

export type ItemOp = { op: "put"; key: string; n: number } | { op: "bump"; key: string };

const INVENTORY = (name: string) =>
  lines(
    `defmodule ${name} do`,
    "  use GenServer",
    "",
    "  defstruct items: %{}, last: nil",
    "",
    "  def start_link(_), do: GenServer.start_link(__MODULE__, nil, name: __MODULE__)",
    "  def init(_), do: {:ok, %__MODULE__{}}",
    "",
    "  def handle_cast({:put, who, key, n}, state) do",
    "    {:noreply, %{state | items: Map.put(state.items, key, n), last: who}}",
    "  end",
    "",
    "  def handle_cast({:bump, who, key}, state) do",
    "    {:noreply, %{state | items: Map.update(state.items, key, 1, &(&1 + 1)), last: who}}",
    "  end",
    "",
    "  def handle_call(:get, _from, state), do: {:reply, {Enum.sort(state.items), state.last}, state}",
    "end",
  );

const opText = (name: string, o: ItemOp, who: string) =>
  o.op === "put" ? `GenServer.cast(${name}, {:put, :${who}, :${o.key}, ${o.n}})` : `GenServer.cast(${name}, {:bump, :${who}, :${o.key}})`;

/** Clients putting and bumping items of a struct-held map: which {items, last} can the server end with? */
export function structState(rng: Rng): ConcurrentWorld {
  const name = rng.pick(["Inventory", "Pantry", "Shelf"]);
  const clients = rng.pick([2, 2, 3]);
  const keys = rng.sample(KEYS, 2) as [string, string];
  const ops: ItemOp[] = Array.from({ length: clients }, (_, i) =>
    i > 0 && rng.chance(0.4)
      ? { op: "bump", key: rng.pick(keys) }
      : { op: "put", key: i === 0 ? keys[0] : rng.pick(keys), n: rng.int(2, 9) },
  );
  const tasks = ops.map((o, i) => `t${i + 1} = Task.async(fn -> ${opText(name, o, `t${i + 1}`)} end)`);
  const body = block(
    `{:ok, _} = ${name}.start_link(nil)`,
    ...tasks,
    ...ops.map((_, i) => `Task.await(t${i + 1})`),
    `GenServer.call(${name}, :get)`,
  );
  return {
    family: "possible_final_states",
    variant: "struct_state",
    difficulty: difficultyOf(clients),
    modules: INVENTORY(name),
    scenario: scenarioModule(body),
    legend: childNames([name, ...ops.map((_, i) => `the task t${i + 1}`)]),
    questions: [
      {
        key: "state",
        text:
          `Scenario.run/0 returns {items, last}: ${name}'s items as a sorted list of {key, count} tuples and the client that wrote last, ` +
          "once every task is done. Which values can it return?",
      },
    ],
    shape: { ops: ops.map((o) => o.op), sameKey: new Set(ops.map((o) => o.key)).size === 1 },
    params: { name, ops },
  };
}

export const STATE = { structState };
