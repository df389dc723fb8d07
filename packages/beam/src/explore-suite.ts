// The explorer's reference suite (used by its tests and by `otpforge bench explore`): small systems whose possible outcomes are
// derived by hand below (from OTP's guarantees, not by running anything).
// Each `source` follows the scenario harness convention: Scenario.run/0's
// value, as inspect prints it, is the outcome.

export interface SuiteSystem {
  name: string;
  source: string;
  /** Every outcome the system can show on one node, derived by hand. */
  outcomes: string[];
  /** Where the distributed model (messages in flight between nodes) adds outcomes: all of them, derived by hand; absent, the same as on one node. */
  distributed?: { outcomes: string[]; why: string };
  /** Why those outcomes and no others. */
  why: string;
  /**
   * The soundness check runs its 200 real runs at once (the system registers no names; its real
   * timers then overlap), and waits this long (ms) after the last result for more: a run that has
   * not returned by then counts as "deadlock".
   */
  concurrentRuns?: { waitMs: number };
}

const counterServer = `
defmodule Counter do
  use GenServer
  def start_link(n), do: GenServer.start_link(__MODULE__, n, name: __MODULE__)
  def init(n), do: {:ok, n}
  def handle_call(:get, _from, n), do: {:reply, n, n}
  def handle_call(:inc, _from, n), do: {:reply, n + 1, n + 1}
  def handle_cast({:set, v}, _n), do: {:noreply, v}
  def handle_cast({:add, k}, n), do: {:noreply, n + k}
end
`;

export const EXPLORE_SUITE: SuiteSystem[] = [
  {
    name: "two independent senders to one receiver",
    why: "nothing orders two senders' messages: either arrives first",
    outcomes: ["[:a, :b]", "[:b, :a]"],
    source: `
defmodule Scenario do
  def run do
    me = self()
    spawn(fn -> send(me, :a) end)
    spawn(fn -> send(me, :b) end)
    [receive(do: (m -> m)), receive(do: (m -> m))]
  end
end`,
  },
  {
    name: "one sender's two messages",
    why: "messages from one sender to one receiver arrive in the order sent",
    outcomes: ["[:a, :b]"],
    source: `
defmodule Scenario do
  def run do
    me = self()
    spawn(fn -> send(me, :a); send(me, :b) end)
    [receive(do: (m -> m)), receive(do: (m -> m))]
  end
end`,
  },
  {
    name: "client-side get then set, two clients",
    why: "both clients may read 0 before either writes (lost update: 1), or one reads after the other wrote (2)",
    outcomes: ["1", "2"],
    source: `${counterServer}
defmodule Scenario do
  def run do
    {:ok, _} = Counter.start_link(0)
    bump = fn -> v = GenServer.call(Counter, :get); GenServer.cast(Counter, {:set, v + 1}) end
    t1 = Task.async(bump)
    t2 = Task.async(bump)
    Task.await(t1)
    Task.await(t2)
    GenServer.call(Counter, :get)
  end
end`,
  },
  {
    name: "ETS check-then-insert by two processes",
    why: "both may look up before either inserts (both think they inserted), or the second sees the first's row",
    outcomes: ["[:found, :inserted]", "[:inserted, :inserted]"],
    source: `
defmodule Scenario do
  def run do
    :ets.new(:claims, [:named_table, :public])
    claim = fn ->
      case :ets.lookup(:claims, :k) do
        [] -> :ets.insert(:claims, {:k, self()}); :inserted
        _ -> :found
      end
    end
    t1 = Task.async(claim)
    t2 = Task.async(claim)
    Enum.sort([Task.await(t1), Task.await(t2)])
  end
end`,
  },
  {
    name: "the brief's handle_call counter, two clients",
    why: "a GenServer handles one message at a time: each :inc reads and writes the state in one callback, so no update is lost",
    outcomes: ["2"],
    source: `${counterServer}
defmodule Scenario do
  def run do
    {:ok, _} = Counter.start_link(0)
    t1 = Task.async(fn -> GenServer.call(Counter, :inc) end)
    t2 = Task.async(fn -> GenServer.call(Counter, :inc) end)
    Task.await(t1)
    Task.await(t2)
    GenServer.call(Counter, :get)
  end
end`,
  },
  {
    name: "Agent.update from three clients",
    why: "the Agent runs each update function in its own process, one at a time",
    outcomes: ["3"],
    source: `
defmodule Scenario do
  def run do
    {:ok, a} = Agent.start_link(fn -> 0 end)
    ts = for _ <- 1..3, do: Task.async(fn -> Agent.update(a, &(&1 + 1)) end)
    Enum.each(ts, &Task.await/1)
    Agent.get(a, & &1)
  end
end`,
  },
  {
    name: "a call cycle between two GenServers",
    why:
      "A waits in handle_call for B, and B in handle_call for A, which is busy: nobody replies. All three calls started at virtual 0 with 5000 ms; " +
      "the caller's timer started first and fires first (the caller exits :timeout), then A's (A exits with the timeout of its call to B). " +
      "B's timer is due at the same millisecond: it fires with A's (B exits with its own timeout too), or after B has seen A die (B dies with A's reason)",
    outcomes: [
      "{:timeout, [a: {:timeout_calling, :b}, b: {:died_calling, :a}]}",
      "{:timeout, [a: {:timeout_calling, :b}, b: {:timeout_calling, :a}]}",
    ],
    // Peers by pid, not by name, so that 200 real runs can wait out their 5 s timeouts side by side.
    concurrentRuns: { waitMs: 12_000 },
    source: `
defmodule A do
  use GenServer
  def init(s), do: {:ok, s}
  def handle_call({:peer, b}, _from, _), do: {:reply, :ok, b}
  def handle_call(:go, _from, b), do: {:reply, GenServer.call(b, :ask), b}
  def handle_call(:ask, _from, b), do: {:reply, :a, b}
end
defmodule B do
  use GenServer
  def init(a), do: {:ok, a}
  def handle_call(:ask, _from, a), do: {:reply, GenServer.call(a, :ask), a}
end
defmodule Scenario do
  def run do
    Process.flag(:trap_exit, true)
    {:ok, a} = GenServer.start_link(A, nil)
    {:ok, b} = GenServer.start_link(B, a)
    :ok = GenServer.call(a, {:peer, b})
    first = try do GenServer.call(a, :go) catch :exit, {reason, _} -> reason end
    who = fn pid -> if(pid == a, do: :a, else: :b) end
    exits = for _ <- 1..2, do: receive(do: ({:EXIT, pid, reason} -> {who.(pid), why(reason, who)}))
    {first, Enum.sort(exits)}
  end
  defp why({:timeout, {GenServer, :call, [pid, _, _]}}, who), do: {:timeout_calling, who.(pid)}
  defp why({_, {GenServer, :call, [pid, _, _]}}, who), do: {:died_calling, who.(pid)}
  defp why(other, _), do: other
end`,
  },
  {
    name: "a send_after racing a cast",
    why: "virtual time: the 1000 ms timer fires only once no process can take an untimed step, so the cast is handled first",
    outcomes: ["[:work, :tick]"],
    concurrentRuns: { waitMs: 3_000 },
    source: `
defmodule Log do
  use GenServer
  def init(s), do: {:ok, s}
  def handle_cast(m, s), do: {:noreply, [m | s]}
  def handle_info(m, s), do: {:noreply, [m | s]}
  def handle_call(:log, _from, s), do: {:reply, Enum.reverse(s), s}
end
defmodule Scenario do
  def run do
    {:ok, log} = GenServer.start_link(Log, [])
    Process.send_after(log, :tick, 1000)
    t = Task.async(fn -> GenServer.cast(log, :work) end)
    Task.await(t)
    Process.sleep(1100)
    GenServer.call(log, :log)
  end
end`,
  },
  {
    name: "a cast to a registered child while it is killed and restarted",
    why: "the cast lands before the kill (lost with the state: 0), while the name is free (dropped: 0), or on the restarted child (1)",
    outcomes: ["0", "1"],
    source: `${counterServer}
defmodule Scenario do
  def run do
    {:ok, _} = Supervisor.start_link([{Counter, 0}], strategy: :one_for_one)
    t1 = Task.async(fn -> Process.exit(Process.whereis(Counter), :kill) end)
    t2 = Task.async(fn -> GenServer.cast(Counter, {:add, 1}) end)
    Task.await(t1)
    Task.await(t2)
    wait_for_counter()
  end
  defp wait_for_counter do
    case Process.whereis(Counter) do
      nil -> Process.sleep(1); wait_for_counter()
      _ -> GenServer.call(Counter, :get)
    end
  end
end`,
  },
  {
    name: "a call to a registered child while it is killed and restarted",
    why:
      "the call reaches the old child before the kill (1) or is in its mailbox when it dies (:killed), finds the name free " +
      "between the kill and the supervisor's restart (:noproc), or reaches the restarted child (0)",
    outcomes: ["0", "1", ":killed", ":noproc"],
    source: `${counterServer}
defmodule Scenario do
  def run do
    {:ok, _} = Supervisor.start_link([{Counter, 0}], strategy: :one_for_one)
    1 = GenServer.call(Counter, :inc)
    t1 = Task.async(fn -> Process.exit(Process.whereis(Counter), :kill) end)
    t2 = Task.async(fn ->
      try do
        GenServer.call(Counter, :get)
      catch
        :exit, {reason, _} -> reason
      end
    end)
    Task.await(t1)
    Task.await(t2)
  end
end`,
  },
  {
    name: "a monitor's :DOWN versus a message from the dying process",
    why: "a process's message and then its :DOWN come from one sender, so they arrive in that order",
    outcomes: ["[:bye, :down]"],
    source: `
defmodule Scenario do
  def run do
    me = self()
    {pid, ref} = spawn_monitor(fn -> send(me, :bye) end)
    a = receive do
      :bye -> :bye
      {:DOWN, ^ref, :process, ^pid, _} -> :down
    end
    b = receive do
      :bye -> :bye
      {:DOWN, ^ref, :process, ^pid, _} -> :down
    end
    [a, b]
  end
end`,
  },
  {
    name: "a last message, its sender's end and a third process's message",
    why:
      "the monitored child's :pear comes before its :DOWN (one sender), but its end is a step of its own: " +
      "the other child's :kiwi may arrive before :pear, between :pear and the :DOWN, or after both",
    outcomes: ["[:kiwi, :pear, :down]", "[:pear, :down, :kiwi]", "[:pear, :kiwi, :down]"],
    source: `
defmodule Scenario do
  def run do
    me = self()
    {_pid, ref} = spawn_monitor(fn -> send(me, :pear) end)
    spawn(fn -> send(me, :kiwi) end)
    for _ <- 1..3 do
      receive do
        {:DOWN, ^ref, _, _, _} -> :down
        m -> m
      end
    end
  end
end`,
  },
  {
    name: "an exit signal racing its target's Process.flag(:trap_exit, true)",
    why:
      "the worker sets the flag as its first step, but main may signal it before the worker has run at all: " +
      "then :stop kills it; once it traps exits, the signal is a message it answers, and it ends normally after",
    outcomes: ["{:died, :stop}", "{:trapped, :stop}"],
    source: `
defmodule Scenario do
  def run do
    me = self()
    worker = spawn(fn ->
      Process.flag(:trap_exit, true)
      receive do: ({:EXIT, _, reason} -> send(me, {:trapped, reason}))
    end)
    ref = Process.monitor(worker)
    Process.exit(worker, :stop)
    receive do
      {:trapped, reason} -> {:trapped, reason}
      {:DOWN, ^ref, _, _, reason} -> {:died, reason}
    end
  end
end`,
  },
  {
    name: "a receive that takes any message, with a timeout",
    why:
      "the child's :hi is sent at virtual 0, before the 100 ms timeout can fire, so the first receive takes it; " +
      "nothing else comes, so the second times out (its timer's own message is no message of the job's)",
    outcomes: ["[{:got, :hi}, :none]"],
    // No names: 200 real runs can wait out their 100 ms timeouts side by side (one after another
    // they took 20 s).
    concurrentRuns: { waitMs: 3_000 },
    source: `
defmodule Scenario do
  def run do
    me = self()
    spawn(fn -> send(me, :hi) end)
    for _ <- 1..2 do
      receive do
        m -> {:got, m}
      after
        100 -> :none
      end
    end
  end
end`,
  },
  {
    name: "a call to a name nobody holds",
    why: "the name is resolved at the call: nobody holds it, so the call exits with :noproc at once",
    outcomes: [":noproc"],
    source: `
defmodule Scenario do
  def run do
    try do
      GenServer.call(Nobody, :hello)
    catch
      :exit, {reason, _} -> reason
    end
  end
end`,
  },
  {
    name: "two senders to two receivers",
    why: "the sends touch different receivers: each receiver gets its one message, whatever the order",
    outcomes: ["[:x, :y]"],
    source: `
defmodule Scenario do
  def run do
    me = self()
    r1 = spawn(fn -> receive do: (m -> send(me, {1, m})) end)
    r2 = spawn(fn -> receive do: (m -> send(me, {2, m})) end)
    spawn(fn -> send(r1, :x) end)
    spawn(fn -> send(r2, :y) end)
    got = for _ <- 1..2, do: receive(do: ({i, m} -> {i, m}))
    got |> Enum.sort() |> Enum.map(&elem(&1, 1))
  end
end`,
  },
  {
    name: "a reply racing a message relayed through a third process",
    why:
      "Server sends :reply to the client before it asks Relay to pass :relayed on; on one node a message is in the mailbox once sent, " +
      "so :reply is there before Relay even gets its request",
    outcomes: ["[:reply, :relayed]"],
    distributed: {
      why: "between nodes only each sender's own messages keep their order: :reply may still be in flight when Relay's :relayed arrives",
      outcomes: ["[:relayed, :reply]", "[:reply, :relayed]"],
    },
    source: `
defmodule Relay do
  use GenServer
  def init(s), do: {:ok, s}
  def handle_info({:pass, to, m}, s) do
    send(to, m)
    {:noreply, s}
  end
end
defmodule Server do
  use GenServer
  def init(relay), do: {:ok, relay}
  def handle_cast({:ask, client}, relay) do
    send(client, :reply)
    send(relay, {:pass, client, :relayed})
    {:noreply, relay}
  end
end
defmodule Scenario do
  def run do
    {:ok, relay} = GenServer.start(Relay, nil)
    {:ok, server} = GenServer.start(Server, relay)
    GenServer.cast(server, {:ask, self()})
    [receive(do: (m -> m)), receive(do: (m -> m))]
  end
end`,
  },
  {
    name: "a DynamicSupervisor's children counted, then one started, by two clients",
    why:
      "each client starts a child only when it counts none: in order the second sees 1 and is refused (1 running); " +
      "if both count before either starts, both start (2)",
    outcomes: ["{[:full, :started], 1}", "{[:started, :started], 2}"],
    source: `
defmodule Scenario do
  def run do
    {:ok, sup} = DynamicSupervisor.start_link(strategy: :one_for_one)
    tasks =
      for _ <- 1..2 do
        Task.async(fn ->
          if DynamicSupervisor.count_children(sup).active < 1 do
            {:ok, _} = DynamicSupervisor.start_child(sup, {Agent, fn -> 0 end})
            :started
          else
            :full
          end
        end)
      end
    {Enum.sort(Enum.map(tasks, &Task.await/1)), DynamicSupervisor.count_children(sup).active}
  end
end`,
  },
  {
    name: "two processes waiting for each other",
    why: "main waits for :done, which only the child sends after a :go that nobody sends: every process blocked, no timer: a deadlock",
    outcomes: ["deadlock"],
    // The real runs block forever: still blocked 300 ms after the others is read as the deadlock.
    concurrentRuns: { waitMs: 300 },
    source: `
defmodule Scenario do
  def run do
    me = self()
    spawn(fn -> receive do: (:go -> send(me, :done)) end)
    receive do: (:done -> :finished)
  end
end`,
  },
];
