// Family arrival_order: in which orders can one receiver get the messages of
// several senders? Only each sender's own messages keep their order (and, on
// one node, a message arrives before anything its sending causes: a relay, a
// :DOWN after the sender's last message).
import type { Rng } from "@otpforge/core";
import { scenarioModule, wrapFn } from "./elixir-text.js";
import { childNames, difficultyOf, lines, type ConcurrentWorld } from "./world.js";

const WORDS = ["apple", "pear", "plum", "fig", "kiwi", "lime", "date", "yuzu"];

const RECEIVER_Q = (n: number) =>
  `System's process (Scenario.run/0) receives ${n} messages and returns them in the order it received them. ` +
  `Which lists can Scenario.run/0 return?`;

/** Several senders, each sending one or two messages straight to System. */
export function senders(rng: Rng): ConcurrentWorld {
  const k = rng.int(2, 3);
  const counts =
    k === 2
      ? rng.pick([
          [1, 1],
          [2, 1],
          [1, 2],
          [2, 2],
        ])
      : rng.pick([
          [1, 1, 1],
          [2, 1, 1],
        ]);
  const words = rng.sample(
    WORDS,
    counts.reduce((a, b) => a + b, 0),
  );
  let w = 0;
  const groups = counts.map((c) => words.slice(w, (w += c)));
  const total = words.length;
  const body = [
    "me = self()",
    ...groups.map((g) =>
      wrapFn(
        "spawn(",
        g.map((x) => `send(me, :${x})`),
      ),
    ),
    `for _ <- 1..${total}, do: receive(do: (m -> m))`,
  ];
  return {
    family: "arrival_order",
    variant: "senders",
    difficulty: difficultyOf(total),
    modules: "",
    scenario: scenarioModule(body),
    legend: childNames(groups.map((g, i) => `the sender of ${g.map((x) => `:${x}`).join(" then ")} (spawned ${ordinal(i + 1)})`)),
    questions: [{ key: "received", text: RECEIVER_Q(total) }],
    shape: { counts },
    params: { words },
  };
}

const RELAY = lines(
  "defmodule Relay do",
  "  use GenServer",
  "",
  "  def start_link(_), do: GenServer.start_link(__MODULE__, nil, name: __MODULE__)",
  "  def init(s), do: {:ok, s}",
  "",
  "  def handle_info({:pass, to, m}, s) do",
  "    send(to, m)",
  "    {:noreply, s}",
  "  end",
  "end",
);

/**
 * A sender that sends one message straight to System and one through Relay
 * (in either order), and maybe an independent sender. Direct first: the relayed
 * copy cannot overtake it on one node; relay first: they race.
 */
export function relay(rng: Rng): ConcurrentWorld {
  const [direct, relayed, other] = rng.sample(WORDS, 3);
  const directFirst = rng.chance(0.5);
  const withOther = rng.chance(0.6);
  const sends = [`send(me, :${direct})`, `send(Relay, {:pass, me, :${relayed}})`];
  if (!directFirst) sends.reverse();
  const total = withOther ? 3 : 2;
  const body = [
    "{:ok, _} = Relay.start_link(nil)",
    "me = self()",
    wrapFn("spawn(", sends),
    ...(withOther ? [`spawn(fn -> send(me, :${other}) end)`] : []),
    `for _ <- 1..${total}, do: receive(do: (m -> m))`,
  ];
  return {
    family: "arrival_order",
    variant: "relay",
    difficulty: difficultyOf(total + 1),
    modules: RELAY,
    scenario: scenarioModule(body),
    legend: childNames([
      `the sender of :${direct} and :${relayed} (spawned first)`,
      ...(withOther ? [`the sender of :${other} (spawned second)`] : []),
    ]),
    questions: [{ key: "received", text: RECEIVER_Q(total) }],
    shape: { directFirst, withOther },
    params: { direct, relayed, other: withOther ? other : null },
  };
}

/** A monitored worker says goodbye and ends; another sender sends one message. */
export function monitor(rng: Rng): ConcurrentWorld {
  const [bye, hello] = rng.sample(WORDS, 2);
  const body = [
    "me = self()",
    `{pid, ref} = spawn_monitor(fn -> send(me, :${bye}) end)`,
    `spawn(fn -> send(me, :${hello}) end)`,
    "",
    "for _ <- 1..3 do",
    "  receive do",
    "    {:DOWN, ^ref, :process, ^pid, _} -> :down",
    "    m -> m",
    "  end",
    "end",
  ];
  return {
    family: "arrival_order",
    variant: "monitor",
    difficulty: "medium",
    modules: "",
    scenario: scenarioModule(body),
    legend: childNames([`the monitored worker that sends :${bye} and ends`, `the sender of :${hello}`]),
    questions: [
      {
        key: "received",
        text: `System's process (Scenario.run/0) receives 3 messages and returns them in the order it received them, with the monitor's :DOWN message written as :down. Which lists can Scenario.run/0 return?`,
      },
    ],
    shape: {},
    params: { bye, hello },
  };
}

/**
 * Timers racing messages, with instants far apart: a timer set by System, a
 * sender that sleeps first, and a sender that sends at once.
 */
export function timers(rng: Rng): ConcurrentWorld {
  const [tick, late, now] = rng.sample(WORDS, 3);
  const timer = 50 * rng.int(1, 4);
  let sleep = 50 * rng.int(1, 4);
  if (sleep === timer) sleep += 50;
  const body = [
    "me = self()",
    `Process.send_after(me, :${tick}, ${timer})`,
    wrapFn("spawn(", [`Process.sleep(${sleep})`, `send(me, :${late})`]),
    `spawn(fn -> send(me, :${now}) end)`,
    "for _ <- 1..3, do: receive(do: (m -> m))",
  ];
  return {
    family: "arrival_order",
    variant: "timers",
    difficulty: "medium",
    modules: "",
    scenario: scenarioModule(body),
    legend: childNames([`the sender that sleeps ${sleep} ms, then sends :${late}`, `the sender of :${now}`]),
    questions: [{ key: "received", text: RECEIVER_Q(3) }],
    shape: { timerFirst: timer < sleep },
    params: { tick, late, now, timer, sleep },
  };
}

function ordinal(i: number): string {
  return ["first", "second", "third", "fourth"][i - 1] ?? `#${i}`;
}

export const ARRIVAL_ORDER = { senders, relay, monitor, timers };
