// Attacks on the interleaving explorer (priv/worker/explore*.ex) by the
// scenario it explores. The scenario is untrusted model output and the
// explorer's outcome sets become training labels, so a scenario must not
// (1) get past the sandbox through the explorer, (2) make the explorer report
// outcomes the code cannot produce on the real BEAM or hide ones it can, or
// (3) wedge the scheduler. Each test asserts the SAFE behaviour; after every
// hostile case a benign exploration on the same pool must get its true outcomes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPool, explore, EXPLORE_SUITE, ExploreError, type JobResult, type Pool } from "../src/index.js";

let pool: Pool;
beforeAll(async () => {
  pool = await createPool({ size: 2 });
}, 60_000);
afterAll(async () => {
  await pool?.close();
});

const sorted = (xs: string[]) => [...xs].sort();
const outcomesOf = (r: JobResult) =>
  sorted(((r.valueJson as { outcomes?: Array<{ outcome: string }> })?.outcomes ?? []).map((o) => o.outcome));
const exploreJob = (script: string, timeoutMs = 20_000) => pool.run({ script, explore: {}, limits: { timeoutMs } });

async function benign() {
  const s = EXPLORE_SUITE[0]!;
  const r = await explore(pool, s.source);
  expect(r.complete).toBe(true);
  expect(sorted(r.outcomes.map((o) => o.outcome))).toEqual(sorted(s.outcomes));
}

// Every case, whatever it asserts, is followed by a benign exploration on the same pool.
function hostile(name: string, fn: () => Promise<void>, timeout = 60_000) {
  it(
    name,
    async () => {
      let failure: unknown;
      try {
        await fn();
      } catch (e) {
        failure = e;
      }
      await benign();
      if (failure) throw failure;
    },
    timeout,
  );
}

// What a read of /etc/passwd (or a shell's `id`) looks like in a result.
const LOOT = /root:x:0:0|uid=\d+/;
// Safe: refused, or the scenario ran without getting anything from outside the sandbox.
function expectNoLoot(r: JobResult) {
  expect(JSON.stringify(r)).not.toMatch(LOOT);
  expect(["policy_violation", "ok"]).toContain(r.status);
}

// Scenario.run/0 waits (virtually) for the scheduler's timers to fire, then polls
// (bounded, so a fixed explorer does not time out) for what the attack brought back.
const POLL = `
  defp poll(0), do: :no_reply
  defp poll(n) do
    receive do
      {:t, r} -> r
    after
      0 -> poll(n - 1)
    end
  end`;

describe("attacks that once got past the explorer (the fifth attacker round), each now stopped", () => {
  hostile(
    "a script's top-level code runs in the scheduler process and seeds its mailbox with a timer to :file_server_2",
    async () => {
      // The script's top level runs in the root, which then becomes the scheduler: a forged
      // {:explore_timer, ...} waits in its mailbox and the scheduler (the runtime's, to the guards) delivers it.
      const r = await exploreJob(`
send(self(), {:explore_timer, make_ref(), 0, :file_server_2, {:"$gen_call", {:c, :t}, {:read_file, ~c"/etc/passwd"}}})
defmodule Scenario do
  def run do
    Process.register(self(), :c)
    Process.sleep(1)
    poll(2_000_000)
  end
${POLL}
end`);
      expectNoLoot(r);
    },
    60_000,
  );

  hostile(
    "the same forged timer to :code_server loads a module whose on_load runs a shell command",
    async () => {
      // pwn.beam (OTP 25): -on_load(go/0). go() -> c ! {t, os:cmd("id; uname -n")}, ok.
      const r = await exploreJob(`
bin = Base.decode64!("Rk9SMQAAAohCRUFNQXRVOAAAADwAAAAKA3B3bgJnbwJvcwNjbWQBdAFjAm9rC21vZHVsZV9pbmZvBmVybGFuZw9nZXRfbW9kdWxlX2luZm9Db2RlAAAAYAAAABAAAAAAAAAAqQAAAAcAAAADARCZEAISIgABIJUMAABARwADBxAAEDAQpBMXIFIDQGIDFEByAxIAEwEwmQACEoIAAUBAEgNOEBABUJkAAhKCEAFgQAMTQBIDTiAgA1N0clQAAAAASW1wVAAAACgAAAADAAAAAwAAAAQAAAABAAAACQAAAAoAAAABAAAACQAAAAoAAAACRXhwVAAAABwAAAACAAAACAAAAAEAAAAGAAAACAAAAAAAAAAETGl0VAAAACQAAAAYeJxjYGBgZGBgEGjOZuDJTLFWKM1LzE1V0M0DACrBBQVNZXRhAAAAHYNsAAAAAWgCZAAQZW5hYmxlZF9mZWF0dXJlc2pqAAAATG9jVAAAABAAAAABAAAAAgAAAAAAAAACQXR0cgAAACiDbAAAAAFoAmQAA3ZzbmwAAAABbhAAQZWf7odxNpmuOcN1T+oHYmpqQ0luZgAAAESDbAAAAANoAmQAB3ZlcnNpb25rAAU4LjIuM2gCZAAHb3B0aW9uc2poAmQABnNvdXJjZWsADi90bXAveC9wd24uZXJsakRiZ2kAAABHg2gDZAANZGVidWdfaW5mb192MWQAEWVybF9hYnN0cmFjdF9jb2RlaAJkAARub25lbAAAAAFoAmQAA2N3ZGsABi90bXAveGoATGluZQAAABUAAAAAAAAAAAAAAAMAAAABAAAAADEAAABUeXBlAAAAGgAAAAEAAAABH/8AAAAAAAAAAP//////////AAA=")
sink = spawn(fn -> receive do _ -> :ok end end)
send(self(), {:explore_timer, make_ref(), 0, :code_server, {:code_call, sink, {:load_binary, :pwn, ~c"pwn", bin}}})
defmodule Scenario do
  def run do
    Process.register(self(), :c)
    Process.sleep(1)
    poll(2_000_000)
  end
${POLL}
end`);
      expectNoLoot(r);
    },
    60_000,
  );

  hostile(
    "a job's Inspect implementation runs inside the scheduler (describing a step) and sends it a forged timer",
    async () => {
      // show/1 in explore.ex inspects the message of a parked send in the scheduler process; the
      // impl erases :otpforge_explorer first so its own send does not park the scheduler on itself.
      const r = await exploreJob(`
defmodule Evil do
  defstruct [:n]
end
defimpl Inspect, for: Evil do
  def inspect(_e, _opts) do
    s = :persistent_term.get(:otpforge_explorer, nil)
    :persistent_term.erase(:otpforge_explorer)
    send(self(), {:explore_timer, make_ref(), 0, :file_server_2, {:"$gen_call", {:c, :t}, {:read_file, ~c"/etc/passwd"}}})
    if s, do: :persistent_term.put(:otpforge_explorer, s)
    "evil"
  end
end
defmodule Scenario do
  def run do
    Process.register(self(), :c)
    send(self(), %Evil{})
    receive do: (%Evil{} -> :ok)
    Process.sleep(1)
    poll(2_000_000)
  end
${POLL}
end`);
      expectNoLoot(r);
    },
    60_000,
  );

  hostile(
    "a virtual timer to a free name (Rt checks Guard.dest, not timer_dest), then the scheduler registered under that name",
    async () => {
      // Process.register/2 accepts a pid the job does not own; the scheduler resolves the name at
      // delivery and sends the forged timer to itself.
      const r = await exploreJob(`
defmodule Scenario do
  def run do
    Process.send_after(:later, {:explore_timer, make_ref(), 0, :file_server_2, {:"$gen_call", {:c, :t}, {:read_file, ~c"/etc/passwd"}}}, 1)
    Process.register(:persistent_term.get(:otpforge_explorer), :later)
    Process.register(self(), :c)
    Process.sleep(2)
    poll(2_000_000)
  end
${POLL}
end`);
      expectNoLoot(r);
    },
    60_000,
  );

  const TWO_FACED = `
defmodule TwoFaced do
  # :undefined when the guard resolves the name, the file server when the call resolves it again.
  def whereis_name(_name) do
    n = Process.get(:twofaced, 0)
    Process.put(:twofaced, n + 1)
    if n == 0, do: :undefined, else: Process.whereis(:file_server_2)
  end
  def register_name(_, _), do: :no
  def unregister_name(_), do: :ok
  def send(_, _), do: :ok
end`;

  hostile(
    "a {:via, Module, name} that resolves differently the second time: Rt.gen_call checks one pid and sends $gen_call to another",
    async () => {
      const r = await exploreJob(`${TWO_FACED}
defmodule Scenario do
  def run do
    spawn(fn -> :persistent_term.put(:loot, GenServer.call({:via, TwoFaced, :fs}, {:read_file, ~c"/etc/passwd"})) end)
    Process.sleep(1)
    wait(2_000_000)
  end
  defp wait(0), do: :no_reply
  defp wait(n), do: (case :persistent_term.get(:loot, nil), do: (nil -> wait(n - 1); r -> r))
end`);
      expectNoLoot(r);
    },
    60_000,
  );

  hostile(
    "the same two-faced {:via} name in a plain job (OtpForge.Guard resolves once, GenServer.call again)",
    async () => {
      const r = await pool.run({
        script: `${TWO_FACED}\nGenServer.call({:via, TwoFaced, :fs}, {:read_file, ~c"/etc/passwd"})`,
        limits: { timeoutMs: 20_000 },
      });
      // The guard looks the name up once: nobody holds it then, so the call exits with :noproc, as
      // GenServer.call does for a free name (and nothing was read).
      expect(JSON.stringify(r)).not.toMatch(LOOT);
      expect(r.status).toBe("runtime_error");
      expect(r.message).toMatch(/exited in: GenServer.call/);
    },
    60_000,
  );

  const TWO_SENDERS = `
    parent = self()
    spawn(fn -> send(parent, :a) end)
    spawn(fn -> send(parent, :b) end)
    order = [receive(do: (x -> x)), receive(do: (x -> x))]`;

  hostile(
    "erasing :otpforge_explorer (not a baseline key, so the guard lets the job erase it) turns exploration off: one outcome, complete: true",
    async () => {
      const r = await exploreJob(`
defmodule Scenario do
  def run do
    :persistent_term.erase(:otpforge_explorer)
${TWO_SENDERS}
    order
  end
end`);
      if (r.status !== "policy_violation") {
        expect(r.status).toBe("ok");
        expect(outcomesOf(r)).toEqual(["[:a, :b]", "[:b, :a]"]);
      }
    },
    60_000,
  );

  hostile(
    "state kept across schedules (a :persistent_term counter) yields an outcome no single run can have and hides a real one",
    async () => {
      // On the real BEAM, Scenario.run/0 in a fresh VM always sees 0.
      const r = await exploreJob(`
defmodule Scenario do
  def run do
    n = :persistent_term.get(:runs, 0)
    :persistent_term.put(:runs, n + 1)
${TWO_SENDERS}
    {n, order}
  end
end`);
      if (r.status !== "policy_violation") {
        expect(r.status).toBe("ok");
        expect(outcomesOf(r)).toEqual(["{0, [:a, :b]}", "{0, [:b, :a]}"]);
      }
    },
    60_000,
  );

  hostile(
    "a grandchild whose parent has exited is not a process of the run: the explorer reports a deadlock the code cannot have",
    async () => {
      // run_processes/1 follows live parent chains only: the busy grandchild is invisible, the root
      // looks blocked with nothing parked, "deadlock". On the real BEAM it always gets :late.
      const r = await exploreJob(`
defmodule Scenario do
  def run do
    parent = self()
    spawn(fn -> spawn(fn -> spin(30_000_000); send(parent, :late) end) end)
    receive do
      x -> x
    end
  end
  defp spin(0), do: :ok
  defp spin(n), do: spin(n - 1)
end`);
      expect(r.status).toBe("ok");
      expect(outcomesOf(r)).toEqual([":late"]);
    },
    60_000,
  );

  hostile(
    "receive ... after t with t == 0 at run time becomes a 1 ms virtual timer: the explorer hides the :none the real BEAM shows",
    async () => {
      const scenario = `
defmodule Scenario do
  def run do
    parent = self()
    spawn(fn -> send(parent, :msg) end)
    t = Enum.count([])
    receive do
      x -> x
    after
      t -> :none
    end
  end
end`;
      const r = await exploreJob(scenario);
      expect(r.status).toBe("ok");
      const explored = outcomesOf(r);
      // The uninstrumented code on the real BEAM: every outcome it shows must be explored.
      const real = await pool.run({
        script: `${scenario}\nfor(_ <- 1..200, into: MapSet.new(), do: inspect(Scenario.run())) |> MapSet.to_list()`,
        limits: { timeoutMs: 20_000 },
      });
      expect(real.status, real.message).toBe("ok");
      for (const o of real.valueJson as string[]) expect(explored).toContain(o);
      expect(explored).toEqual([":msg", ":none"]);
    },
    60_000,
  );
});

describe("attacks on the explorer that were stopped from the start", () => {
  hostile(
    "an alias for Kernel does not hide a send from the rewrite (the policy hands it the resolved module)",
    async () => {
      const r = await exploreJob(`
defmodule Scenario do
  alias Kernel, as: K
  def run do
    parent = self()
    spawn(fn -> K.send(parent, :a) end)
    spawn(fn -> K.send(parent, :b) end)
    [receive(do: (x -> x)), receive(do: (x -> x))]
  end
end`);
      expect(r.status).toBe("ok");
      expect(outcomesOf(r)).toEqual(["[:a, :b]", "[:b, :a]"]);
    },
    60_000,
  );

  hostile(
    "a raw :ets read of a runtime table at compile time (a module attribute) is still guarded",
    async () => {
      const r = await exploreJob(`
defmodule Scenario do
  @x :ets.tab2list(:ac_tab) |> length()
  def run, do: @x
end`);
      expect(r.status).toBe("policy_violation");
      expect(r.message).toMatch(/:ac_tab belongs to the runtime/);
    },
    60_000,
  );

  hostile(
    "a virtual timer straight to the scheduler's pid is refused",
    async () => {
      const err = await explore(
        pool,
        `
defmodule Scenario do
  def run, do: Process.send_after(:persistent_term.get(:otpforge_explorer), {:explore_timer, make_ref(), 0, :file_server_2, :x}, 1)
end`,
      ).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ExploreError);
      expect((err as ExploreError).result.status).toBe("policy_violation");
    },
    60_000,
  );

  hostile(
    "the scheduler registered under a name, then a send to that name, is refused (the guard resolves names)",
    async () => {
      const r = await exploreJob(`
defmodule Scenario do
  def run do
    Process.register(:persistent_term.get(:otpforge_explorer), :sched)
    send(:sched, {:explore_timer, make_ref(), 0, :file_server_2, :x})
  end
end`);
      // Refused at the register already: a name may be given only to a process of the job.
      expect(r.status).toBe("policy_violation");
      expect(r.message).toMatch(/:sched is a process of the runtime|may only signal or message processes it started/);
    },
    60_000,
  );

  hostile(
    "a GenServer.call to a runtime server under exploration is refused by Rt.gen_call's guard",
    async () => {
      const r = await exploreJob(`
defmodule Scenario do
  def run, do: GenServer.call(:file_server_2, {:read_file, ~c"/etc/passwd"})
end`);
      expect(r.status).toBe("policy_violation");
      expectNoLoot(r);
    },
    60_000,
  );

  hostile(
    "an Inspect implementation meant to park the scheduler on itself changes nothing: the scheduler runs no job code",
    async () => {
      const r = await exploreJob(
        `
defmodule Evil do
  defstruct [:n]
end
defimpl Inspect, for: Evil do
  def inspect(_e, _opts), do: (send(self(), :park_the_scheduler); "evil")
end
defmodule Scenario do
  def run do
    send(self(), %Evil{})
    :ok
  end
end`,
        3_000,
      );
      expect(r.status).toBe("ok");
      expect(outcomesOf(r)).toEqual([":ok"]);
    },
    60_000,
  );

  hostile(
    "a public ETS table made by a module body at compile time does not carry state from one schedule to the next",
    async () => {
      const r = await exploreJob(`
defmodule Shared do
  @table :ets.new(:explore_shared, [:named_table, :public])
  def table, do: @table
end
defmodule Scenario do
  def run do
    n = :ets.update_counter(Shared.table(), :runs, 1, {:runs, 0}) - 1
    parent = self()
    spawn(fn -> send(parent, :a) end)
    spawn(fn -> send(parent, :b) end)
    {n, [receive(do: (x -> x)), receive(do: (x -> x))]}
  end
end`);
      if (r.status !== "policy_violation") {
        expect(r.status, r.message).toBe("ok");
        expect(outcomesOf(r)).toEqual(["{0, [:a, :b]}", "{0, [:b, :a]}"]);
      }
    },
    60_000,
  );
});
