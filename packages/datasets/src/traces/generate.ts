// The seeded world generator: samples GenServers from the behaviour library,
// an optional supervisor and a System schedule, steered by difficulty knobs.
// It lays out time on a grid (see timing.ts) but never predicts outcomes.
import { Rng } from "@otpforge/core";
import { behaviour, findHandler, type Callback } from "./behaviours.js";
import { messageTag } from "@otpforge/otp-signatures";
import { roundUpEven, stimulusTiming, UNIT_MS } from "./timing.js";
import {
  atom,
  tuple,
  worldSchema,
  WORLD_SCHEMA_VERSION,
  type Difficulty,
  type Handler,
  type Lit,
  type ProcessSpec,
  type Step,
  type SupervisorSpec,
  type World,
} from "./world.js";

export interface TraceKnobs {
  /** Number of GenServers, inclusive range (2..6). */
  processes: [number, number];
  /** Number of System steps, inclusive range. */
  steps: [number, number];
  /** How deep `{:ask, ...}` / `{:relay, ...}` messages nest (1 = no nesting). */
  callDepth: number;
  /** Chance of crash-prone handlers, crashing messages and kills. */
  crashProbability: number;
  /** Chance of timers: `Process.send_after` and delayed `GenServer.reply`. */
  timerProbability: number;
  supervisorProbability: number;
  /** Let some steps skip the quiescence wait (outcomes may then vary between runs). */
  races: boolean;
}

export const DIFFICULTY_KNOBS: Record<Difficulty, TraceKnobs> = {
  easy: {
    processes: [2, 2],
    steps: [3, 5],
    callDepth: 1,
    crashProbability: 0.25,
    timerProbability: 0.2,
    supervisorProbability: 0.5,
    races: false,
  },
  medium: {
    processes: [2, 4],
    steps: [4, 7],
    callDepth: 2,
    crashProbability: 0.35,
    timerProbability: 0.3,
    supervisorProbability: 0.6,
    races: false,
  },
  hard: {
    processes: [3, 6],
    steps: [6, 10],
    callDepth: 3,
    crashProbability: 0.4,
    timerProbability: 0.35,
    supervisorProbability: 0.7,
    races: false,
  },
};

const INT_NAMES = ["Counter", "Meter", "Tally", "Gauge", "Score", "Total", "Balance"];
const LIST_NAMES = ["Stack", "Inbox", "Journal", "Backlog", "Ledger", "Outbox", "Archive"];
const ATOMS = "abcdefghijklmnopqrstuvwxyz".split("");
const ASK_TIMEOUTS = [2, 4, 6, 8].map((k) => k * UNIT_MS);
const TIMER_DELAYS = [1, 3, 5].map((k) => k * UNIT_MS);

class Draw {
  private ints: number[];
  private atoms: string[];
  constructor(private readonly rng: Rng) {
    this.ints = rng.shuffle(Array.from({ length: 40 }, (_, i) => i + 1));
    this.atoms = rng.shuffle(ATOMS);
  }
  /** A value not used before in this world, so messages can be told apart. */
  int(): number {
    return this.ints.pop() ?? this.rng.int(41, 99);
  }
  atom(): Lit {
    return atom(this.atoms.pop() ?? "z");
  }
}

export function generateWorld(seed: number | string, difficulty: Difficulty, overrides: Partial<TraceKnobs> = {}): World {
  const knobs = { ...DIFFICULTY_KNOBS[difficulty], ...overrides };
  const rng = new Rng(seed);
  const draw = new Draw(rng.fork("values"));
  const processes = makeProcesses(rng.fork("processes"), knobs);
  const supervisor = makeSupervisor(rng.fork("supervisor"), knobs, processes);
  for (const p of processes) if (!supervisor?.children.includes(p.name)) p.restart = "permanent";
  const { schedule, endAt } = makeSchedule(rng.fork("schedule"), knobs, processes, supervisor, draw);
  return worldSchema.parse({ version: WORLD_SCHEMA_VERSION, difficulty, processes, supervisor, schedule, endAt });
}

function makeProcesses(rng: Rng, k: TraceKnobs): ProcessSpec[] {
  const n = rng.int(k.processes[0], k.processes[1]);
  const intNames = rng.shuffle(INT_NAMES);
  const listNames = rng.shuffle(LIST_NAMES);
  const procs: ProcessSpec[] = [];
  for (let i = 0; i < n; i++) {
    const isInt = rng.chance(0.55);
    const name = (isInt ? intNames : listNames).pop() as string;
    const handlers: Handler[] = isInt ? intHandlers(rng, k) : listHandlers(rng, k);
    if (rng.chance(k.timerProbability)) {
      handlers.push({ kind: "schedule_cast" });
      if (rng.chance(0.85)) handlers.push({ kind: "tick_info" });
    }
    if (rng.chance(0.3)) handlers.push({ kind: "log_info" });
    if (rng.chance(k.timerProbability * 0.6)) handlers.push({ kind: "later_call" });
    if (rng.chance(k.crashProbability * 0.4)) handlers.push({ kind: "stop_cast", reason: rng.chance(0.7) ? "normal" : "shutdown" });
    const restart = rng.pick(["permanent", "permanent", "permanent", "transient", "transient", "temporary"] as const);
    procs.push({
      name,
      state: isInt ? "int" : "list",
      initial: isInt ? rng.pick([0, 0, 0, 1, 5, 10]) : rng.chance(0.7) ? [] : [atom("x")],
      restart,
      handlers,
    });
  }
  addInteractions(rng, k, procs);
  return procs;
}

function intHandlers(rng: Rng, k: TraceKnobs): Handler[] {
  const hs: Handler[] = [];
  if (rng.chance(0.75))
    hs.push(rng.chance(k.crashProbability) ? { kind: "add_cast", limit: rng.pick([5, 8, 10, 15]) } : { kind: "add_cast" });
  if (hs.length === 0 || rng.chance(0.35)) hs.push({ kind: "add_call" });
  if (rng.chance(0.8)) hs.push({ kind: "get_call" });
  if (rng.chance(0.25)) hs.push({ kind: "double_cast" });
  if (rng.chance(0.2)) hs.push({ kind: "swap_call" });
  if (rng.chance(k.crashProbability * 0.6)) hs.push({ kind: "div_call" });
  return hs;
}

function listHandlers(rng: Rng, k: TraceKnobs): Handler[] {
  const hs: Handler[] = [{ kind: "push_cast" }];
  hs.push(rng.chance(k.crashProbability) ? { kind: "take_call" } : { kind: "pop_call" });
  if (rng.chance(0.3)) hs.push({ kind: "size_call" });
  if (rng.chance(0.3)) hs.push({ kind: "get_call" });
  return hs;
}

function addInteractions(rng: Rng, k: TraceKnobs, procs: ProcessSpec[]): void {
  if (procs.length < 2) return;
  const timeouts = rng.shuffle(ASK_TIMEOUTS);
  const others = (p: ProcessSpec) => procs.filter((q) => q !== p).map((q) => q.name);
  const askers: ProcessSpec[] = [];
  for (const p of procs) {
    if (rng.chance(0.45)) p.handlers.push({ kind: "relay_cast", target: rng.pick(others(p)) });
    if (rng.chance(0.2) && timeouts.length > 0) {
      const target = rng.pick(others(p));
      p.handlers.push({ kind: "sync_cast", target, timeout: timeouts.pop() as number });
      // A sync call that takes a while is what lets messages queue behind p.
      const q = procs.find((x) => x.name === target) as ProcessSpec;
      if (!q.handlers.some((h) => h.kind === "later_call") && rng.chance(0.6)) q.handlers.push({ kind: "later_call" });
    }
    if (rng.chance(0.5) && timeouts.length > 0) {
      const toSelf = rng.chance(k.crashProbability * 0.25);
      p.handlers.push({
        kind: "ask_call",
        target: toSelf ? p.name : rng.pick(others(p)),
        timeout: timeouts.pop() as number,
        safe: rng.chance(0.3),
      });
      askers.push(p);
    }
    if (rng.chance(0.25)) p.handlers.push({ kind: "watch_cast", target: rng.pick(others(p)) });
  }
  // Close a call cycle now and then: B asks A while A asks B.
  if (askers.length >= 1 && rng.chance(0.5)) {
    const a = askers[0];
    const ah = a.handlers.find((h) => h.kind === "ask_call");
    const b = ah && ah.kind === "ask_call" ? procs.find((q) => q.name === ah.target) : undefined;
    if (b && b !== a && !b.handlers.some((h) => h.kind === "ask_call") && timeouts.length > 0) {
      b.handlers.push({ kind: "ask_call", target: a.name, timeout: timeouts.pop() as number, safe: rng.chance(0.3) });
    }
  }
}

function makeSupervisor(rng: Rng, k: TraceKnobs, procs: ProcessSpec[]): SupervisorSpec | null {
  if (!rng.chance(k.supervisorProbability)) return null;
  let children = procs.map((p) => p.name);
  if (children.length > 1 && rng.chance(0.25)) {
    const keep = new Set(rng.sample(children, rng.int(1, children.length - 1)));
    children = children.filter((c) => keep.has(c));
  }
  return {
    strategy: rng.pick(["one_for_one", "one_for_one", "one_for_all", "rest_for_one"] as const),
    maxRestarts: rng.pick([1, 2, 3, 3, 4, 5]),
    maxSeconds: 5,
    children,
  };
}

/** A message for one of `p`'s handlers of this callback (or any handler). */
function messageFor(rng: Rng, draw: Draw, k: TraceKnobs, procs: ProcessSpec[], p: ProcessSpec, h: Handler, depth: number): Lit {
  switch (h.kind) {
    case "add_cast":
    case "add_call":
      return tuple(atom("add"), draw.int());
    case "get_call":
      return atom("get");
    case "swap_call":
      return tuple(atom("swap"), draw.int());
    case "double_cast":
      return atom("double");
    case "div_call":
      return tuple(atom("div"), rng.chance(k.crashProbability) ? 0 : rng.pick([1, 2, 3]));
    case "push_cast":
      return tuple(atom("push"), draw.atom());
    case "pop_call":
      return atom("pop");
    case "take_call":
      return atom("take");
    case "size_call":
      return atom("size");
    case "tick_info":
      return atom("tick");
    case "log_info":
      return tuple(atom("log"), p.state === "int" ? draw.int() : draw.atom());
    case "schedule_cast":
      return tuple(atom("schedule"), rng.pick(TIMER_DELAYS));
    case "later_call":
      return tuple(atom("later"), rng.pick(TIMER_DELAYS.slice(0, 2)));
    case "watch_cast":
      return atom("watch");
    case "stop_cast":
      return atom("stop");
    case "relay_cast":
      return tuple(atom("relay"), innerMessage(rng, draw, k, procs, h.target, "cast", depth - 1));
    case "ask_call":
      return tuple(atom("ask"), innerMessage(rng, draw, k, procs, h.target, "call", depth - 1));
    case "sync_cast": {
      const q = procs.find((x) => x.name === h.target);
      const later = q?.handlers.find((x) => x.kind === "later_call");
      if (q && later && rng.chance(0.7)) return tuple(atom("sync"), messageFor(rng, draw, k, procs, q, later, depth - 1));
      return tuple(atom("sync"), innerMessage(rng, draw, k, procs, h.target, "call", depth - 1));
    }
  }
}

/** The payload a relay or ask passes on: usually one the next process understands. */
function innerMessage(rng: Rng, draw: Draw, k: TraceKnobs, procs: ProcessSpec[], target: string, callback: Callback, depth: number): Lit {
  const q = procs.find((x) => x.name === target) as ProcessSpec;
  const nestable = (h: Handler) => depth > 0 || (h.kind !== "ask_call" && h.kind !== "relay_cast" && h.kind !== "sync_cast");
  const fits = q.handlers.filter((h) => behaviour(h.kind).callback === callback && nestable(h));
  if (fits.length === 0 || rng.chance(k.crashProbability * 0.15)) {
    return callback === "call" ? atom("get") : atom("double");
  }
  // Prefer nesting another ask when allowed: that is how call chains and cycles form.
  const nested = fits.filter((h) => h.kind === "ask_call");
  const h = depth > 0 && nested.length > 0 && rng.chance(0.6) ? nested[0] : rng.pick(fits);
  return messageFor(rng, draw, k, procs, q, h, depth);
}

function opOf(cb: Callback): "call" | "cast" | "send" {
  return cb === "info" ? "send" : cb;
}

function makeSchedule(
  rng: Rng,
  k: TraceKnobs,
  procs: ProcessSpec[],
  supervisor: SupervisorSpec | null,
  draw: Draw,
): { schedule: Step[]; endAt: number } {
  const n = rng.int(k.steps[0], k.steps[1]);
  const steps: Step[] = [];
  let clock = 0;
  const fires: Array<{ proc: string; at: number }> = [];
  // Moments at which a timer fires or a call may time out: no step within a unit of them.
  const moments: number[] = [];
  const safe = (t: number) => moments.every((m) => Math.abs(m - t) >= UNIT_MS);
  // Processes blocked in a call made from handle_cast, and until when.
  const blocked = new Map<string, number>();
  const killed: string[] = [];
  const settleClock = () => {
    while (!safe(clock)) clock += 2 * UNIT_MS;
  };
  for (let i = 0; i < n; i++) {
    // Let a pending timer fire before this step, half of the time.
    const pending = moments.filter((m) => m > clock).sort((a, b) => a - b);
    if (pending.length > 0 && rng.chance(0.5)) clock = roundUpEven(pending[0] + UNIT_MS);
    settleClock();
    // Now and then keep sending to a process that is blocked, so that messages
    // queue behind it (and may die with it).
    const stillBlocked = procs.filter((q) => (blocked.get(q.name) ?? 0) > clock + UNIT_MS);
    const p = stillBlocked.length > 0 && rng.chance(0.6) ? rng.pick(stillBlocked) : rng.pick(procs);
    const wait = !(k.races && i < n - 1 && rng.chance(0.3));
    if (i > 0 && rng.chance(k.crashProbability * (supervisor ? 0.6 : 0.3))) {
      // Kills mostly hit supervised processes, often the same one again:
      // restarts (and running out of them) are what kills show.
      const supervised = procs.filter((q) => supervisor?.children.includes(q.name));
      const again = killed.filter((name) => supervisor?.children.includes(name));
      const victim =
        again.length > 0 && rng.chance(0.5)
          ? again[again.length - 1]
          : supervised.length > 0 && rng.chance(0.7)
            ? rng.pick(supervised).name
            : p.name;
      killed.push(victim);
      steps.push({ op: "kill", at: clock, target: victim, wait });
      continue;
    }
    const { cb, msg } = stimulus(rng, draw, k, procs, p);
    const timing = stimulusTiming(procs, cb, p.name, msg);
    const fireAts = timing.fires.map((f) => ({ proc: f.proc, at: clock + f.delay }));
    // Two timers of one process due at the same moment would race: skip the step.
    if (fireAts.some((f) => fires.some((g) => g.proc === f.proc && g.at === f.at))) continue;
    fires.push(...fireAts);
    moments.push(...timing.moments.map((m) => clock + m));
    const via = i > 0 && rng.chance(0.12) ? "stale_pid" : "name";
    // A message for a process that is still blocked queues in its mailbox; not
    // waiting lets the next steps queue behind it too (deterministic: the
    // process cannot take any of them up before it is unblocked).
    const queues = cb !== "call" && (blocked.get(p.name) ?? 0) > clock + UNIT_MS;
    steps.push({ op: opOf(cb), at: clock, target: p.name, msg, via, wait: wait && !queues });
    if (cb === "cast" && messageTag(msg) === "sync" && timing.busy > 0) blocked.set(p.name, clock + timing.busy);
    // A call blocks System until it returns; a cast lets System go on while the chain runs.
    if (cb === "call" && timing.busy > 0) clock = roundUpEven(clock + timing.busy + UNIT_MS);
  }
  if (steps.length > 0) steps[steps.length - 1].wait = true;
  if (steps.length === 0) {
    const p = procs[0];
    const h = p.handlers[0];
    steps.push({
      op: opOf(behaviour(h.kind).callback),
      at: 0,
      target: p.name,
      msg: messageFor(rng, draw, k, procs, p, h, 1),
      via: "name",
      wait: true,
    });
  }
  const last = Math.max(clock, ...moments);
  const endAt = moments.length > 0 ? roundUpEven(last + UNIT_MS) : clock;
  return { schedule: steps, endAt: Math.max(endAt, steps[steps.length - 1].at) };
}

/** One System stimulus for process p: a message one of its handlers answers, or now and then one none does. */
function stimulus(rng: Rng, draw: Draw, k: TraceKnobs, procs: ProcessSpec[], p: ProcessSpec): { cb: Callback; msg: Lit } {
  if (rng.chance(k.crashProbability * 0.12)) {
    const stray: Array<{ cb: Callback; msg: Lit }> = [
      { cb: "cast", msg: atom("double") },
      { cb: "call", msg: atom("get") },
      { cb: "info", msg: tuple(atom("log"), draw.int()) },
      { cb: "info", msg: atom("tick") },
    ];
    const unknown = stray.filter((s) => !findHandler(p, s.cb, messageTag(s.msg)));
    if (unknown.length > 0) return rng.pick(unknown);
  }
  const h = rng.pick(p.handlers);
  return { cb: behaviour(h.kind).callback, msg: messageFor(rng, draw, k, procs, p, h, k.callDepth) };
}
