import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPool, type Pool, type TraceEvent } from "../src/index.js";
import { COUNTER } from "./helpers.js";

let pool: Pool;
beforeAll(async () => {
  pool = await createPool({ size: 1 });
});
afterAll(async () => {
  await pool?.close();
});

const strip = (events: TraceEvent[]) => events.map(({ seq: _seq, ...rest }) => rest);

describe("message tracing", () => {
  it("records a GenServer's life: spawn, link, registration, cast, call and reply mapped back to the caller", async () => {
    const script = "{:ok, _} = Counter.start_link(0)\nGenServer.cast(Counter, :reset)\nCounter.inc()";
    const r = await pool.run({ files: [{ name: "counter.ex", source: COUNTER }], script, trace: true });
    expect(r.status).toBe("ok");
    const events = r.trace!;
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(strip(events)).toEqual([
      { kind: "spawn", pid: "main", to: "Counter" },
      { kind: "link", pid: "main", to: "Counter" },
      { kind: "register", pid: "Counter", name: "Counter" },
      { kind: "send", pid: "Counter", from: "Counter", to: "main", message: "{:ack, #PID<Counter>, {:ok, #PID<Counter>}}" },
      { kind: "receive", pid: "main", from: "Counter", to: "main", message: "{:ack, #PID<Counter>, {:ok, #PID<Counter>}}" },
      { kind: "send", pid: "main", from: "main", to: "Counter", message: ":reset", via: "cast" },
      { kind: "receive", pid: "Counter", from: "main", to: "Counter", message: ":reset", via: "cast" },
      { kind: "send", pid: "main", from: "main", to: "Counter", message: ":inc", via: "call" },
      { kind: "receive", pid: "Counter", from: "main", to: "Counter", message: ":inc", via: "call" },
      { kind: "send", pid: "Counter", from: "Counter", to: "main", message: "1", via: "reply" },
      { kind: "receive", pid: "main", from: "Counter", to: "main", message: "1", via: "reply" },
    ]);
    expect(r.traceTruncated).toBe(false);
  });

  it("labels unnamed processes p1, p2 in spawn order, and records monitors, exits and DOWN messages", async () => {
    const script = [
      "a = spawn(fn -> receive do {:ping, from} -> send(from, :pong) end end)",
      "b = spawn(fn -> receive do :stop -> :ok end end)",
      "ref = Process.monitor(a)",
      "send(a, {:ping, self()})",
      "receive do :pong -> :ok end",
      "receive do {:DOWN, ^ref, :process, _, _} -> :ok end",
      "Process.exit(b, :kill)",
      ":done",
    ].join("\n");
    const r = await pool.run({ script, trace: true });
    expect(r.status).toBe("ok");
    const e = strip(r.trace!);
    expect(e).toContainEqual({ kind: "spawn", pid: "main", to: "p1" });
    expect(e).toContainEqual({ kind: "spawn", pid: "main", to: "p2" });
    expect(e).toContainEqual({ kind: "monitor", pid: "main", to: "p1" });
    expect(e).toContainEqual({ kind: "send", pid: "main", from: "main", to: "p1", message: "{:ping, #PID<main>}" });
    expect(e).toContainEqual({ kind: "exit", pid: "p1", reason: ":normal" });
    expect(e).toContainEqual({ kind: "receive", pid: "main", from: "p1", to: "main", message: "{:DOWN, #Ref<1>, :process, #PID<p1>, :normal}" });
    expect(e).toContainEqual({ kind: "signal", pid: "main", to: "p2", reason: ":kill" });
    expect(e).toContainEqual({ kind: "exit", pid: "p2", reason: ":killed" });
    const order = (pred: (x: TraceEvent) => boolean) => r.trace!.findIndex(pred);
    expect(order((x) => x.kind === "send" && x.to === "p1")).toBeLessThan(order((x) => x.kind === "send" && x.from === "p1"));
  });

  it("names a restarted child by its registered name with an incarnation number, and shows the crash", async () => {
    const worker = `
defmodule Fragile do
  use GenServer
  def start_link(_), do: GenServer.start_link(__MODULE__, :ok, name: __MODULE__)
  def init(:ok), do: {:ok, 0}
  def handle_cast(:crash, _s), do: raise("boom")
end`;
    const script = [
      "{:ok, _sup} = Supervisor.start_link([Fragile], strategy: :one_for_one, name: Sup)",
      "first = Process.whereis(Fragile)",
      "GenServer.cast(Fragile, :crash)",
      // Until the restarted child holds the name (a busy machine may take a while).
      "Enum.find_value(1..1000, false, fn _ -> p = Process.whereis(Fragile); if is_pid(p) and p != first, do: true, else: (Process.sleep(5); nil) end)",
    ].join("\n");
    const r = await pool.run({ files: [{ name: "fragile.ex", source: worker }], script, trace: true });
    expect(r.status).toBe("ok");
    expect(r.value).toBe("true");
    const e = strip(r.trace!);
    expect(e).toContainEqual({ kind: "spawn", pid: "main", to: "Sup" });
    expect(e).toContainEqual({ kind: "spawn", pid: "Sup", to: "Fragile" });
    expect(e).toContainEqual({ kind: "spawn", pid: "Sup", to: "Fragile#2" });
    expect(e.find((x) => x.kind === "exit" && x.pid === "Fragile")?.reason).toContain("boom");
    expect(e).toContainEqual({ kind: "receive", pid: "Fragile", from: "main", to: "Fragile", message: ":crash", via: "cast" });
  });

  it("marks a send to a dead process and leaves out the machinery's own messages", async () => {
    const script = "p = spawn(fn -> :ok end)\nref = Process.monitor(p)\nreceive do {:DOWN, ^ref, _, _, _} -> :ok end\nIO.puts(\"hi\")\nsend(p, :late)\n:ok";
    const r = await pool.run({ script, trace: true });
    expect(r.stdout).toBe("hi\n");
    const e = strip(r.trace!);
    expect(e).toContainEqual({ kind: "send", pid: "main", from: "main", to: "p1", message: ":late", dead: true });
    expect(e.some((x) => (x.message ?? "").includes("io_request") || (x.message ?? "").includes("io_reply"))).toBe(false);
  });

  it("cuts a long trace at limits.maxTraceEvents and says so", async () => {
    const script = "me = self()\nfor i <- 1..200, do: send(me, i)\n:ok";
    const r = await pool.run({ script, trace: true, limits: { maxTraceEvents: 50 } });
    expect(r.traceTruncated).toBe(true);
    expect(r.trace!.length).toBeLessThanOrEqual(50);
  });

  it("resolves sends to registered names, keeps timer messages and leaves out receive timeouts", async () => {
    const script = "spawn(fn -> Process.register(self(), :named); receive do x -> x end end)\nProcess.sleep(20)\nsend(:named, :by_name)\nProcess.send_after(self(), :tick, 10)\nreceive do :tick -> :ok end";
    const r = await pool.run({ script, trace: true });
    const e = strip(r.trace!);
    expect(e).toContainEqual({ kind: "send", pid: "main", from: "main", to: "named", message: ":by_name" });
    expect(e).toContainEqual({ kind: "receive", pid: "main", to: "main", message: ":tick" });
    expect(e.some((x) => x.message === ":timeout")).toBe(false);
  });

  it("records nothing unless asked", async () => {
    const r = await pool.run({ script: "send(self(), :x)" });
    expect(r.trace).toBeUndefined();
  });
});
