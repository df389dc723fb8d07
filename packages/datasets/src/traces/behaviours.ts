// The library of handler behaviours a world's GenServers are built from: for
// each handler kind, which callback and message tag it answers, which state it
// needs, the Elixir clauses it renders to, and a sentence for the reasoning.
import type { Handler, HandlerKind, ProcessSpec, StateKind } from "./world.js";

export type Callback = "call" | "cast" | "info";

export interface Clause {
  callback: Callback;
  /** The clause, indented for a module body (two spaces), without a trailing newline. */
  text: string;
}

export interface Behaviour {
  kind: HandlerKind;
  callback: Callback;
  /** The message tag the handler matches (`:get`, `{:add, n}` → "add"). */
  tag: string;
  states: readonly StateKind[];
  clauses(p: ProcessSpec, h: Handler): Clause[];
  /** What the handler does, for the reasoning text ("adds n to the state"). */
  describe(p: ProcessSpec, h: Handler): string;
}

const def = (head: string, body: string[]): string => [`  def ${head} do`, ...body.map((l) => (l ? `    ${l}` : "")), "  end"].join("\n");
const call = (text: string): Clause => ({ callback: "call", text });
const cast = (text: string): Clause => ({ callback: "cast", text });
const info = (text: string): Clause => ({ callback: "info", text });

function target(h: Handler): string {
  if (!("target" in h)) throw new Error(`handler ${h.kind} has no target`);
  return h.target;
}

const behaviours: Behaviour[] = [
  {
    kind: "add_cast",
    callback: "cast",
    tag: "add",
    states: ["int"],
    clauses: (_p, h) => {
      const out: Clause[] = [];
      if (h.kind === "add_cast" && h.limit !== undefined) {
        out.push(cast(def(`handle_cast({:add, n}, state) when state + n > ${h.limit}`, ['raise "limit exceeded"'])));
      }
      out.push(cast(def("handle_cast({:add, n}, state)", ["{:noreply, state + n}"])));
      return out;
    },
    describe: (_p, h) =>
      h.kind === "add_cast" && h.limit !== undefined
        ? `adds n to the state, but raises (RuntimeError) when the sum would exceed ${h.limit}`
        : "adds n to the state",
  },
  {
    kind: "add_call",
    callback: "call",
    tag: "add",
    states: ["int"],
    clauses: () => [call(def("handle_call({:add, n}, _from, state)", ["new_state = state + n", "{:reply, new_state, new_state}"]))],
    describe: () => "adds n and replies with the new state",
  },
  {
    kind: "get_call",
    callback: "call",
    tag: "get",
    states: ["int", "list"],
    clauses: () => [call(def("handle_call(:get, _from, state)", ["{:reply, state, state}"]))],
    describe: () => "replies with the state",
  },
  {
    kind: "swap_call",
    callback: "call",
    tag: "swap",
    states: ["int"],
    clauses: () => [call(def("handle_call({:swap, value}, _from, state)", ["{:reply, state, value}"]))],
    describe: () => "replies with the old state and replaces it with value",
  },
  {
    kind: "double_cast",
    callback: "cast",
    tag: "double",
    states: ["int"],
    clauses: () => [cast(def("handle_cast(:double, state)", ["{:noreply, state * 2}"]))],
    describe: () => "doubles the state",
  },
  {
    kind: "div_call",
    callback: "call",
    tag: "div",
    states: ["int"],
    clauses: () => [call(def("handle_call({:div, d}, _from, state)", ["new_state = div(state, d)", "{:reply, new_state, new_state}"]))],
    describe: () => "divides the state by d (integer division) and replies with the result; d = 0 raises ArithmeticError",
  },
  {
    kind: "push_cast",
    callback: "cast",
    tag: "push",
    states: ["list"],
    clauses: () => [cast(def("handle_cast({:push, item}, state)", ["{:noreply, [item | state]}"]))],
    describe: () => "puts item at the head of the list",
  },
  {
    kind: "pop_call",
    callback: "call",
    tag: "pop",
    states: ["list"],
    clauses: () => [
      call(def("handle_call(:pop, _from, [item | rest])", ["{:reply, item, rest}"])),
      call(def("handle_call(:pop, _from, [])", ["{:reply, :empty, []}"])),
    ],
    describe: () => "removes and replies with the head of the list, or replies :empty",
  },
  {
    kind: "take_call",
    callback: "call",
    tag: "take",
    states: ["list"],
    clauses: () => [call(def("handle_call(:take, _from, [item | rest])", ["{:reply, item, rest}"]))],
    describe: () => "removes and replies with the head of the list; on an empty list no clause matches (FunctionClauseError)",
  },
  {
    kind: "size_call",
    callback: "call",
    tag: "size",
    states: ["list"],
    clauses: () => [call(def("handle_call(:size, _from, state)", ["{:reply, length(state), state}"]))],
    describe: () => "replies with the length of the list",
  },
  {
    kind: "tick_info",
    callback: "info",
    tag: "tick",
    states: ["int", "list"],
    clauses: (p) => [info(def("handle_info(:tick, state)", [p.state === "int" ? "{:noreply, state + 1}" : "{:noreply, [:tick | state]}"]))],
    describe: (p) => (p.state === "int" ? "adds 1 to the state" : "puts :tick at the head of the list"),
  },
  {
    kind: "log_info",
    callback: "info",
    tag: "log",
    states: ["int", "list"],
    clauses: (p) => [
      info(
        p.state === "int"
          ? def("handle_info({:log, n}, state)", ["{:noreply, state + n}"])
          : def("handle_info({:log, item}, state)", ["{:noreply, [item | state]}"]),
      ),
    ],
    describe: (p) => (p.state === "int" ? "adds n to the state" : "puts item at the head of the list"),
  },
  {
    kind: "schedule_cast",
    callback: "cast",
    tag: "schedule",
    states: ["int", "list"],
    clauses: () => [cast(def("handle_cast({:schedule, ms}, state)", ["Process.send_after(self(), :tick, ms)", "{:noreply, state}"]))],
    describe: () => "arms a timer that sends :tick to itself after ms milliseconds",
  },
  {
    kind: "relay_cast",
    callback: "cast",
    tag: "relay",
    states: ["int", "list"],
    clauses: (_p, h) => [cast(def("handle_cast({:relay, msg}, state)", [`GenServer.cast(${target(h)}, msg)`, "{:noreply, state}"]))],
    describe: (_p, h) => `casts msg on to ${target(h)}`,
  },
  {
    kind: "ask_call",
    callback: "call",
    tag: "ask",
    states: ["int", "list"],
    clauses: (_p, h) => {
      if (h.kind !== "ask_call") return [];
      const inner = `GenServer.call(${h.target}, msg, ${h.timeout})`;
      if (!h.safe) return [call(def("handle_call({:ask, msg}, _from, state)", [`{:reply, ${inner}, state}`]))];
      return [
        call(
          def("handle_call({:ask, msg}, _from, state)", [
            "reply =",
            "  try do",
            `    ${inner}`,
            "  catch",
            "    :exit, _reason -> :unavailable",
            "  end",
            "",
            "{:reply, reply, state}",
          ]),
        ),
      ];
    },
    describe: (_p, h) =>
      h.kind === "ask_call"
        ? `calls ${h.target} with msg (timeout ${h.timeout} ms) inside its own handle_call and replies with the answer` +
          (h.safe
            ? "; an exit of that call is caught and the reply is :unavailable"
            : "; an exit of that call is not caught and kills the process")
        : "",
  },
  {
    kind: "sync_cast",
    callback: "cast",
    tag: "sync",
    states: ["int", "list"],
    clauses: (_p, h) => [
      cast(
        def("handle_cast({:sync, msg}, state)", [
          `GenServer.call(${target(h)}, msg, ${h.kind === "sync_cast" ? h.timeout : 5000})`,
          "{:noreply, state}",
        ]),
      ),
    ],
    describe: (_p, h) =>
      h.kind === "sync_cast"
        ? `calls ${h.target} with msg (timeout ${h.timeout} ms) from inside handle_cast, so it handles nothing else until that call returns; an exit of the call kills the process`
        : "",
  },
  {
    kind: "watch_cast",
    callback: "cast",
    tag: "watch",
    states: ["int", "list"],
    clauses: (p, h) => [
      cast(def("handle_cast(:watch, state)", [`Process.monitor(${target(h)})`, "{:noreply, state}"])),
      info(
        def("handle_info({:DOWN, _ref, :process, _object, _reason}, state)", [
          p.state === "int" ? "{:noreply, state + 1}" : "{:noreply, [:down | state]}",
        ]),
      ),
    ],
    describe: (p, h) =>
      `monitors ${target(h)}; each :DOWN message ${p.state === "int" ? "adds 1 to the state" : "puts :down at the head of the list"}`,
  },
  {
    kind: "later_call",
    callback: "call",
    tag: "later",
    states: ["int", "list"],
    clauses: () => [
      call(def("handle_call({:later, ms}, from, state)", ["Process.send_after(self(), {:reply_to, from}, ms)", "{:noreply, state}"])),
      info(def("handle_info({:reply_to, from}, state)", ["GenServer.reply(from, state)", "{:noreply, state}"])),
    ],
    describe: () => "does not reply at once: after ms milliseconds it replies with its state at that moment (GenServer.reply)",
  },
  {
    kind: "stop_cast",
    callback: "cast",
    tag: "stop",
    states: ["int", "list"],
    clauses: (_p, h) => [cast(def("handle_cast(:stop, state)", [`{:stop, :${h.kind === "stop_cast" ? h.reason : "normal"}, state}`]))],
    describe: (_p, h) => `stops the process with reason :${h.kind === "stop_cast" ? h.reason : "normal"}`,
  },
];

const byKind = new Map(behaviours.map((b) => [b.kind, b]));

export function behaviour(kind: HandlerKind): Behaviour {
  const b = byKind.get(kind);
  if (!b) throw new Error(`unknown handler kind ${kind}`);
  return b;
}

export function allBehaviours(): readonly Behaviour[] {
  return behaviours;
}

/** The handler of a process that answers a message with this callback and tag. */
export function findHandler(p: ProcessSpec, callback: Callback, tag: string | undefined): Handler | undefined {
  return p.handlers.find((h) => {
    const b = behaviour(h.kind);
    return b.callback === callback && b.tag === tag;
  });
}
