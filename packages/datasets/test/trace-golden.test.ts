// Golden worlds: hand-built worlds whose outcome is a known OTP fact, run on a
// real BEAM (5 perturbed runs each). The answers come from those runs; the
// test checks they match what OTP guarantees and that all runs agreed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exploreWorld, specKey, type ObservedEvent, type QuestionSpec, type World, type WorldObservation } from "../src/internal.js";
import { a, closeTestRunner, t, testRunner, world } from "./helpers.js";

interface Golden {
  world: World;
  specs: QuestionSpec[];
}

const cycle: Golden = {
  world: world({
    processes: [
      {
        name: "Counter",
        state: "int",
        initial: 0,
        restart: "permanent",
        handlers: [{ kind: "get_call" }, { kind: "ask_call", target: "Stack", timeout: 60, safe: false }],
      },
      {
        name: "Stack",
        state: "list",
        initial: [],
        restart: "permanent",
        handlers: [{ kind: "pop_call" }, { kind: "ask_call", target: "Counter", timeout: 120, safe: false }],
      },
    ],
    supervisor: null,
    schedule: [
      { op: "call", at: 0, target: "Counter", msg: t(a("ask"), t(a("ask"), a("get"))), via: "name", wait: true },
      { op: "call", at: 180, target: "Stack", msg: a("pop"), via: "name", wait: true },
    ],
    endAt: 180,
  }),
  specs: [
    { family: "call_result", step: 1 },
    { family: "call_result", step: 2 },
    { family: "alive_at_end" },
    { family: "handling_order", proc: "Counter" },
  ],
};

// Counter blocks in a call from handle_cast while three casts queue behind it;
// the first of them crashes it, the other two die with its mailbox.
const queuedCrash: Golden = {
  world: world({
    processes: [
      {
        name: "Counter",
        state: "int",
        initial: 0,
        restart: "permanent",
        handlers: [{ kind: "add_cast", limit: 10 }, { kind: "get_call" }, { kind: "sync_cast", target: "Peer", timeout: 240 }],
      },
      { name: "Peer", state: "int", initial: 0, restart: "permanent", handlers: [{ kind: "later_call" }] },
    ],
    supervisor: { strategy: "one_for_one", maxRestarts: 3, maxSeconds: 5, children: ["Counter", "Peer"] },
    schedule: [
      { op: "cast", at: 0, target: "Counter", msg: t(a("add"), 4), via: "name", wait: true },
      { op: "cast", at: 0, target: "Counter", msg: t(a("sync"), t(a("later"), 90)), via: "name", wait: true },
      { op: "cast", at: 0, target: "Counter", msg: t(a("add"), 20), via: "name", wait: false },
      { op: "cast", at: 0, target: "Counter", msg: t(a("add"), 1), via: "name", wait: false },
      { op: "cast", at: 0, target: "Counter", msg: t(a("add"), 2), via: "name", wait: true },
      { op: "call", at: 180, target: "Counter", msg: a("get"), via: "name", wait: true },
    ],
    endAt: 180,
  }),
  specs: [
    { family: "message_fate", proc: "Counter", msg: t(a("add"), 20), step: 3 },
    { family: "message_fate", proc: "Counter", msg: t(a("add"), 1), step: 4 },
    { family: "message_fate", proc: "Counter", msg: t(a("add"), 2), step: 5 },
    { family: "restart_count", proc: "Counter" },
    { family: "call_result", step: 6 },
    { family: "final_state", proc: "Counter" },
  ],
};

const timers: Golden = {
  world: world({
    processes: [
      {
        name: "Meter",
        state: "int",
        initial: 0,
        restart: "permanent",
        handlers: [{ kind: "add_cast" }, { kind: "get_call" }, { kind: "schedule_cast" }, { kind: "tick_info" }],
      },
    ],
    supervisor: null,
    schedule: [
      { op: "cast", at: 0, target: "Meter", msg: t(a("schedule"), 90), via: "name", wait: true },
      { op: "cast", at: 0, target: "Meter", msg: t(a("schedule"), 30), via: "name", wait: true },
      { op: "cast", at: 0, target: "Meter", msg: t(a("add"), 5), via: "name", wait: true },
      { op: "call", at: 0, target: "Meter", msg: a("get"), via: "name", wait: true },
      { op: "call", at: 60, target: "Meter", msg: a("get"), via: "name", wait: true },
      { op: "call", at: 120, target: "Meter", msg: a("get"), via: "name", wait: true },
    ],
    endAt: 120,
  }),
  specs: [
    { family: "call_result", step: 4 },
    { family: "call_result", step: 5 },
    { family: "call_result", step: 6 },
    { family: "handling_order", proc: "Meter" },
    { family: "next_handled", proc: "Meter", afterStep: 4 },
  ],
};

const callSelf: Golden = {
  world: world({
    processes: [
      {
        name: "Gauge",
        state: "int",
        initial: 1,
        restart: "permanent",
        handlers: [{ kind: "get_call" }, { kind: "ask_call", target: "Gauge", timeout: 60, safe: false }],
      },
    ],
    supervisor: null,
    schedule: [
      { op: "call", at: 0, target: "Gauge", msg: t(a("ask"), a("get")), via: "name", wait: true },
      { op: "call", at: 0, target: "Gauge", msg: a("get"), via: "name", wait: true },
    ],
    endAt: 0,
  }),
  specs: [{ family: "call_result", step: 1 }, { family: "call_result", step: 2 }, { family: "alive_at_end" }],
};

const deadPid: Golden = {
  world: world({
    processes: [{ name: "Tally", state: "int", initial: 0, restart: "permanent", handlers: [{ kind: "add_cast" }, { kind: "get_call" }] }],
    supervisor: null,
    schedule: [
      { op: "cast", at: 0, target: "Tally", msg: t(a("add"), 1), via: "name", wait: true },
      { op: "kill", at: 0, target: "Tally", wait: true },
      { op: "cast", at: 0, target: "Tally", msg: t(a("add"), 2), via: "name", wait: true },
      { op: "call", at: 0, target: "Tally", msg: a("get"), via: "name", wait: true },
    ],
    endAt: 0,
  }),
  specs: [
    { family: "message_fate", proc: "Tally", msg: t(a("add"), 1), step: 1 },
    { family: "message_fate", proc: "Tally", msg: t(a("add"), 2), step: 3 },
    { family: "call_result", step: 4 },
  ],
};

// After a restart the name points at a new process; the pid saved at start is dead.
const stalePid: Golden = {
  world: world({
    processes: [{ name: "Tally", state: "int", initial: 0, restart: "permanent", handlers: [{ kind: "add_cast" }, { kind: "get_call" }] }],
    supervisor: { strategy: "one_for_one", maxRestarts: 3, maxSeconds: 5, children: ["Tally"] },
    schedule: [
      { op: "cast", at: 0, target: "Tally", msg: t(a("add"), 1), via: "name", wait: true },
      { op: "kill", at: 0, target: "Tally", wait: true },
      { op: "cast", at: 0, target: "Tally", msg: t(a("add"), 2), via: "stale_pid", wait: true },
      { op: "cast", at: 0, target: "Tally", msg: t(a("add"), 3), via: "name", wait: true },
      { op: "call", at: 0, target: "Tally", msg: a("get"), via: "stale_pid", wait: true },
      { op: "call", at: 0, target: "Tally", msg: a("get"), via: "name", wait: true },
    ],
    endAt: 0,
  }),
  specs: [
    { family: "message_fate", proc: "Tally", msg: t(a("add"), 2), step: 3 },
    { family: "message_fate", proc: "Tally", msg: t(a("add"), 3), step: 4 },
    { family: "call_result", step: 5 },
    { family: "call_result", step: 6 },
    { family: "restart_count", proc: "Tally" },
  ],
};

const goldens = { cycle, queuedCrash, timers, callSelf, deadPid, stalePid };
const observed = new Map<string, WorldObservation>();

/** The answer every run agreed on (fails the test if runs disagreed). */
function answer(name: keyof typeof goldens, spec: QuestionSpec): string {
  const g = goldens[name];
  const obs = observed.get(name);
  if (!obs) throw new Error(`${name} was not observed`);
  const i = g.specs.findIndex((s) => specKey(s) === specKey(spec));
  expect(i, `spec ${specKey(spec)} of ${name}`).toBeGreaterThanOrEqual(0);
  expect(obs.outcomes[i], `schedules of ${name} disagreed on ${specKey(spec)}`).toHaveLength(1);
  return obs.outcomes[i][0];
}

function events(name: keyof typeof goldens): ObservedEvent[] {
  return (observed.get(name) as WorldObservation).runs[0].events;
}

beforeAll(async () => {
  const runner = await testRunner();
  const names = Object.keys(goldens) as Array<keyof typeof goldens>;
  const results = await Promise.all(
    names.map((n) => exploreWorld(runner, { world: goldens[n].world, specs: goldens[n].specs, seeds: [] })),
  );
  results.forEach((r, i) => {
    if (r instanceof Error) throw r;
    observed.set(names[i], r);
  });
}, 180_000);

afterAll(closeTestRunner);

describe("golden worlds on the BEAM", () => {
  it("every golden world gave one observation over every interleaving the explorer ran", () => {
    for (const [name, obs] of observed) {
      expect(obs.eventsAgree, name).toBe(true);
      expect(obs.runs, name).toHaveLength(1);
      expect(obs.exploration?.schedules, name).toBeGreaterThanOrEqual(1);
    }
  });

  it("a call cycle ends in a timeout exit, and both servers die", () => {
    expect(answer("cycle", { family: "call_result", step: 1 })).toBe("{:exit, :timeout}");
    expect(answer("cycle", { family: "call_result", step: 2 })).toBe("{:exit, :noproc}");
    expect(answer("cycle", { family: "alive_at_end" })).toBe("[]");
    const crash = events("cycle").find((e) => e.type === "handle" && e.proc === "Counter");
    expect(crash).toMatchObject({ ok: false, reason: ":timeout", msg: "{:ask, {:ask, :get}}" });
    // Stack's :get waited in Counter's mailbox and died with it.
    expect(events("cycle")).toContainEqual(expect.objectContaining({ type: "lost", proc: "Counter", msg: ":get" }));
  });

  it("a supervised crash loses the casts queued behind it and restarts with the init state", () => {
    expect(answer("queuedCrash", { family: "message_fate", proc: "Counter", msg: t(a("add"), 20), step: 3 })).toBe(
      ":crashed_while_handling",
    );
    expect(answer("queuedCrash", { family: "message_fate", proc: "Counter", msg: t(a("add"), 1), step: 4 })).toBe(":lost_in_mailbox");
    expect(answer("queuedCrash", { family: "message_fate", proc: "Counter", msg: t(a("add"), 2), step: 5 })).toBe(":lost_in_mailbox");
    expect(answer("queuedCrash", { family: "restart_count", proc: "Counter" })).toBe("1");
    expect(answer("queuedCrash", { family: "call_result", step: 6 })).toBe("0");
    expect(answer("queuedCrash", { family: "final_state", proc: "Counter" })).toBe("0");
  });

  it("send_after messages arrive after the messages sent before they fire, in firing order", () => {
    expect(answer("timers", { family: "call_result", step: 4 })).toBe("5");
    expect(answer("timers", { family: "call_result", step: 5 })).toBe("6");
    expect(answer("timers", { family: "call_result", step: 6 })).toBe("7");
    expect(answer("timers", { family: "handling_order", proc: "Meter" })).toBe(
      "[{:schedule, 90}, {:schedule, 30}, {:add, 5}, :get, :tick, :get, :tick, :get]",
    );
    // The tick at T=30 fires before step 5 starts, so it is part of what is observed "after step 4".
    expect(
      events("timers")
        .filter((e) => e.seg === 4 && e.type === "handle")
        .map((e) => e.msg),
    ).toEqual([":get", ":tick"]);
    expect(answer("timers", { family: "next_handled", proc: "Meter", afterStep: 4 })).toBe(":get");
  });

  it("a call to self exits at once with :calling_self and kills the caller", () => {
    expect(answer("callSelf", { family: "call_result", step: 1 })).toBe("{:exit, :calling_self}");
    expect(answer("callSelf", { family: "call_result", step: 2 })).toBe("{:exit, :noproc}");
    expect(answer("callSelf", { family: "alive_at_end" })).toBe("[]");
  });

  it("a cast to a dead process is silently lost while a call exits with :noproc", () => {
    expect(answer("deadPid", { family: "message_fate", proc: "Tally", msg: t(a("add"), 1), step: 1 })).toBe(":handled");
    expect(answer("deadPid", { family: "message_fate", proc: "Tally", msg: t(a("add"), 2), step: 3 })).toBe(":never_delivered");
    expect(answer("deadPid", { family: "call_result", step: 4 })).toBe("{:exit, :noproc}");
  });

  it("after a restart, a cast to the saved pid is lost and a call to it exits :noproc, while the name reaches the new process", () => {
    expect(answer("stalePid", { family: "message_fate", proc: "Tally", msg: t(a("add"), 2), step: 3 })).toBe(":never_delivered");
    expect(answer("stalePid", { family: "message_fate", proc: "Tally", msg: t(a("add"), 3), step: 4 })).toBe(":handled");
    expect(answer("stalePid", { family: "call_result", step: 5 })).toBe("{:exit, :noproc}");
    expect(answer("stalePid", { family: "call_result", step: 6 })).toBe("3");
    expect(answer("stalePid", { family: "restart_count", proc: "Tally" })).toBe("1");
  });
});
