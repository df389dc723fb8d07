// Family possible_final_states: the state of a GenServer, an Agent or an ETS
// row after several clients acted on it at once. A GenServer (and an Agent)
// applies one message at a time, so only the order of the clients' messages
// varies; a read and a write in separate steps (ETS lookup then insert) can
// lose an update.
import type { Rng } from "@otpforge/core";
import { scenarioModule, wrapFn } from "./elixir-text.js";
import { listServer, numberServer } from "./servers.js";
import { childNames, difficultyOf, type ConcurrentWorld } from "./world.js";

const NUMBER_SERVERS = ["Tally", "Meter", "Gauge", "Ledger"];
const LIST_SERVERS = ["Log", "Journal", "Queue"];
const TABLES = ["stock", "seats", "tokens"];
const KEYS = ["apples", "left", "free"];
const WORDS = ["apple", "pear", "plum", "fig", "kiwi", "lime"];

export type CastOp = { op: "set" | "add" | "mul"; n: number };
export type EtsOp = { op: "rmw" | "atomic"; n: number };

const castText = (name: string, c: CastOp) => `GenServer.cast(${name}, {:${c.op}, ${c.n}})`;

function awaitAll(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `Task.await(t${i + 1})`);
}

function castOp(rng: Rng): CastOp {
  const op = rng.pick(["set", "add", "add", "mul"] as const);
  return { op, n: op === "mul" ? rng.int(2, 3) : op === "set" ? rng.int(0, 9) : rng.int(1, 9) };
}

/** Clients casting to a number server: each client's casts in order, clients in any order. */
export function serverCasts(rng: Rng): ConcurrentWorld {
  const name = rng.pick(NUMBER_SERVERS);
  const initial = rng.int(0, 5);
  const shape = rng.pick([
    [1, 1],
    [1, 1],
    [2, 1],
    [1, 1, 1],
  ]);
  const clients = shape.map((k) => Array.from({ length: k }, () => castOp(rng)));
  const body = [
    `{:ok, _} = ${name}.start_link(${initial})`,
    ...clients.map((ops, i) =>
      wrapFn(
        `t${i + 1} = Task.async(`,
        ops.map((c) => castText(name, c)),
      ),
    ),
    ...awaitAll(clients.length),
    `GenServer.call(${name}, :get)`,
  ];
  return {
    family: "possible_final_states",
    variant: "server_casts",
    difficulty: difficultyOf(clients.flat().length),
    modules: numberServer(name),
    scenario: scenarioModule(body),
    legend: childNames([name, ...clients.map((_, i) => `the task t${i + 1}`)]),
    questions: [{ key: "state", text: `Scenario.run/0 returns ${name}'s state once every task is done. Which values can it return?` }],
    shape: { ops: clients.map((ops) => ops.map((o) => o.op)) },
    params: { initial, clients },
  };
}

/** Clients pushing onto a list server: the final list is one interleaving of the clients' pushes. */
export function listPushes(rng: Rng): ConcurrentWorld {
  const name = rng.pick(LIST_SERVERS);
  const shape = rng.pick([
    [1, 1],
    [2, 1],
    [1, 1, 1],
  ]);
  const words = rng.sample(
    WORDS,
    shape.reduce((a, b) => a + b, 0),
  );
  let w = 0;
  const clients = shape.map((k) => words.slice(w, (w += k)));
  const body = [
    `{:ok, _} = ${name}.start_link([])`,
    ...clients.map((xs, i) =>
      wrapFn(
        `t${i + 1} = Task.async(`,
        xs.map((x) => `GenServer.cast(${name}, {:push, :${x}})`),
      ),
    ),
    ...awaitAll(clients.length),
    `GenServer.call(${name}, :get)`,
  ];
  return {
    family: "possible_final_states",
    variant: "list_pushes",
    difficulty: difficultyOf(words.length),
    modules: listServer(name),
    scenario: scenarioModule(body),
    legend: childNames([name, ...clients.map((_, i) => `the task t${i + 1}`)]),
    questions: [{ key: "state", text: `Scenario.run/0 returns ${name}'s list once every task is done. Which lists can it return?` }],
    shape: { clients: shape },
    params: { words },
  };
}

/** Agent.update from several clients: each function runs inside the Agent, one at a time. */
export function agentUpdates(rng: Rng): ConcurrentWorld {
  const initial = rng.int(1, 5);
  const k = rng.int(2, 3);
  const ops = rng.sample(
    [
      { op: "add", n: rng.int(1, 9) },
      { op: "mul", n: rng.int(2, 3) },
      { op: "set", n: rng.int(0, 9) },
    ] as CastOp[],
    k,
  );
  const fnText = (c: CastOp) =>
    c.op === "add" ? `fn n -> n + ${c.n} end` : c.op === "mul" ? `fn n -> n * ${c.n} end` : `fn _ -> ${c.n} end`;
  const body = [
    `{:ok, agent} = Agent.start_link(fn -> ${initial} end)`,
    ...ops.map((c, i) => `t${i + 1} = Task.async(fn -> Agent.update(agent, ${fnText(c)}) end)`),
    ...awaitAll(ops.length),
    "Agent.get(agent, fn n -> n end)",
  ];
  return {
    family: "possible_final_states",
    variant: "agent_updates",
    difficulty: difficultyOf(ops.length),
    modules: "",
    scenario: scenarioModule(body),
    legend: childNames(["the Agent", ...ops.map((_, i) => `the task t${i + 1}`)]),
    questions: [{ key: "state", text: "Scenario.run/0 returns the Agent's state once every task is done. Which values can it return?" }],
    shape: { ops: ops.map((o) => o.op) },
    params: { initial, ops },
  };
}

/**
 * Clients changing one ETS row: a lookup then an insert (two steps, so another
 * client's write in between is overwritten), or :ets.update_counter (one step).
 */
export function etsRow(rng: Rng): ConcurrentWorld {
  const table = rng.pick(TABLES);
  const key = rng.pick(KEYS);
  const initial = rng.int(0, 10);
  const kinds = rng.pick([
    ["rmw", "rmw"],
    ["rmw", "atomic"],
    ["atomic", "rmw"],
    ["atomic", "atomic"],
    ["rmw", "atomic", "atomic"],
  ] as Array<Array<EtsOp["op"]>>);
  const ops: EtsOp[] = kinds.map((op) => ({ op, n: rng.int(1, 9) }));
  const task = (c: EtsOp, i: number) =>
    c.op === "atomic"
      ? `t${i + 1} = Task.async(fn -> :ets.update_counter(:${table}, :${key}, ${c.n}) end)`
      : wrapFn(`t${i + 1} = Task.async(`, [
          `[{:${key}, n}] = :ets.lookup(:${table}, :${key})`,
          `:ets.insert(:${table}, {:${key}, n + ${c.n}})`,
        ]);
  const body = [
    `:ets.new(:${table}, [:named_table, :public])`,
    `:ets.insert(:${table}, {:${key}, ${initial}})`,
    ...ops.map(task),
    ...awaitAll(ops.length),
    `[{:${key}, n}] = :ets.lookup(:${table}, :${key})`,
    "n",
  ];
  return {
    family: "possible_final_states",
    variant: "ets_row",
    difficulty: difficultyOf(ops.length + ops.filter((o) => o.op === "rmw").length - 1),
    modules: "",
    scenario: scenarioModule(body),
    legend: childNames(ops.map((_, i) => `the task t${i + 1}`)),
    questions: [
      {
        key: "state",
        text: `Scenario.run/0 returns the value stored under :${key} in the ETS table :${table} once every task is done. Which values can it return?`,
      },
    ],
    shape: { ops: kinds },
    params: { initial, ops },
  };
}

export const FINAL_STATES = { serverCasts, listPushes, agentUpdates, etsRow };
