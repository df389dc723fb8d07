// Normal OTP code, of the kinds Elixir's documentation and the Mix and OTP
// guide teach (written for this project, one API or idiom each). The sandbox
// must run it with the value plain `elixir` gives: locking down must not lock
// out. corpus.test.ts runs every example both ways and compares.

export interface CorpusExample {
  name: string;
  /** A script (top-level modules allowed); its value is compared. */
  script: string;
}

const STACK = `defmodule Stack do
  use GenServer
  def start_link(items), do: GenServer.start_link(__MODULE__, items)
  def push(pid, x), do: GenServer.cast(pid, {:push, x})
  def pop(pid), do: GenServer.call(pid, :pop)
  @impl true
  def init(items), do: {:ok, items}
  @impl true
  def handle_call(:pop, _from, [h | t]), do: {:reply, h, t}
  @impl true
  def handle_cast({:push, x}, items), do: {:noreply, [x | items]}
end
`;

const BUCKET = `defmodule KV.Bucket do
  use Agent, restart: :temporary
  def start_link(_opts), do: Agent.start_link(fn -> %{} end)
  def get(b, k), do: Agent.get(b, &Map.get(&1, k))
  def put(b, k, v), do: Agent.update(b, &Map.put(&1, k, v))
  def delete(b, k), do: Agent.get_and_update(b, &Map.pop(&1, k))
end
`;

export const CORPUS: CorpusExample[] = [
  {
    name: "GenServer stack: cast then call",
    script: `${STACK}{:ok, pid} = Stack.start_link([:hello])\nStack.push(pid, :world)\n{Stack.pop(pid), Stack.pop(pid)}`,
  },
  {
    name: "GenServer with a registered name",
    script: `${STACK.replace("GenServer.start_link(__MODULE__, items)", "GenServer.start_link(__MODULE__, items, name: MyStack)")}{:ok, _} = Stack.start_link([1, 2])\nGenServer.call(MyStack, :pop)`,
  },
  {
    name: "GenServer.stop and alive?",
    script: `${STACK}{:ok, pid} = Stack.start_link([])\n:ok = GenServer.stop(pid)\nProcess.alive?(pid)`,
  },
  {
    name: "GenServer handle_info from send_after",
    script: `defmodule Ticker do\n  use GenServer\n  def init(parent), do: (Process.send_after(self(), :tick, 10); {:ok, parent})\n  def handle_info(:tick, parent), do: (send(parent, :ticked); {:noreply, parent})\nend\n{:ok, _} = GenServer.start_link(Ticker, self())\nreceive do\n  :ticked -> :got_tick\nafter\n  1000 -> :no_tick\nend`,
  },
  {
    name: "GenServer call timeout caught",
    script: `defmodule Slow do\n  use GenServer\n  def init(_), do: {:ok, nil}\n  def handle_call(:slow, _f, s), do: (Process.sleep(200); {:reply, :done, s})\nend\n{:ok, pid} = GenServer.start(Slow, nil)\ntry do\n  GenServer.call(pid, :slow, 20)\ncatch\n  :exit, {:timeout, _} -> :timed_out\nend`,
  },
  {
    name: "GenServer.reply from a spawned process",
    script: `defmodule Later do\n  use GenServer\n  def init(_), do: {:ok, nil}\n  def handle_call(:q, from, s), do: (spawn(fn -> GenServer.reply(from, :later) end); {:noreply, s})\nend\n{:ok, pid} = GenServer.start_link(Later, nil)\nGenServer.call(pid, :q)`,
  },
  {
    name: "Agent counter",
    script: `{:ok, a} = Agent.start_link(fn -> 0 end)\nAgent.update(a, &(&1 + 1))\nAgent.update(a, &(&1 + 1))\nAgent.get(a, & &1)`,
  },
  {
    name: "Agent bucket (Mix and OTP)",
    script: `${BUCKET}{:ok, b} = KV.Bucket.start_link([])\nKV.Bucket.put(b, "milk", 3)\n{KV.Bucket.get(b, "milk"), KV.Bucket.delete(b, "milk"), KV.Bucket.get(b, "milk")}`,
  },
  {
    name: "Agent with a name and get_and_update",
    script: `{:ok, _} = Agent.start_link(fn -> [] end, name: Names)\nAgent.update(Names, &["a" | &1])\nAgent.get_and_update(Names, fn l -> {length(l), l ++ ["b"]} end)`,
  },
  { name: "Task.async and await", script: `t = Task.async(fn -> Enum.sum(1..10) end)\nTask.await(t)` },
  { name: "Task.async_stream", script: `1..5 |> Task.async_stream(fn x -> x * x end) |> Enum.map(fn {:ok, v} -> v end)` },
  {
    name: "Task.yield_many",
    script: `ts = for i <- 1..3, do: Task.async(fn -> i end)\nTask.yield_many(ts) |> Enum.map(fn {_, {:ok, v}} -> v end)`,
  },
  {
    name: "Task.Supervisor.async_nolink with a crash",
    script: `{:ok, sup} = Task.Supervisor.start_link()\nt = Task.Supervisor.async_nolink(sup, fn -> raise "oops" end)\ncase Task.yield(t, 1000) do\n  {:exit, {%RuntimeError{message: m}, _}} -> {:crashed, m}\n  other -> other\nend`,
  },
  {
    name: "Task.Supervisor.start_child",
    script: `{:ok, sup} = Task.Supervisor.start_link()\nparent = self()\n{:ok, _} = Task.Supervisor.start_child(sup, fn -> send(parent, :hi) end)\nreceive do\n  :hi -> :hi\nafter\n  1000 -> :none\nend`,
  },
  {
    name: "Task with a module/function/args",
    script: `defmodule Work do\n  def double(x), do: x * 2\nend\nTask.async(Work, :double, [21]) |> Task.await()`,
  },
  {
    name: "Supervisor one_for_one restarts a child",
    script: `${BUCKET.replace("restart: :temporary", "restart: :permanent").replace("Agent.start_link(fn -> %{} end)", "Agent.start_link(fn -> %{} end, name: Bucket1)")}{:ok, sup} = Supervisor.start_link([KV.Bucket], strategy: :one_for_one)\nold = Process.whereis(Bucket1)\nProcess.exit(old, :kill)\nProcess.sleep(50)\nnew = Process.whereis(Bucket1)\n{is_pid(new), new != old, Supervisor.count_children(sup).active}`,
  },
  {
    name: "Supervisor module with init/1",
    script: `${STACK}defmodule App.Sup do\n  use Supervisor\n  def start_link(a), do: Supervisor.start_link(__MODULE__, a)\n  @impl true\n  def init(_), do: Supervisor.init([%{id: Stack, start: {Stack, :start_link, [[:x]]}}], strategy: :one_for_all)\nend\n{:ok, sup} = App.Sup.start_link(:ok)\n[{Stack, pid, :worker, _}] = Supervisor.which_children(sup)\nStack.pop(pid)`,
  },
  {
    name: "Supervisor child with a map spec and restart: :transient",
    script: `defmodule Once do\n  def start_link, do: {:ok, spawn_link(fn -> :ok end)}\nend\n{:ok, sup} = Supervisor.start_link([%{id: :once, start: {Once, :start_link, []}, restart: :transient}], strategy: :one_for_one)\nProcess.sleep(50)\nSupervisor.count_children(sup)`,
  },
  {
    name: "Supervisor.terminate_child and restart_child",
    script: `{:ok, sup} = Supervisor.start_link([{Agent, fn -> 1 end}], strategy: :one_for_one)\n:ok = Supervisor.terminate_child(sup, Agent)\n{:ok, _} = Supervisor.restart_child(sup, Agent)\nSupervisor.count_children(sup).active`,
  },
  {
    name: "Supervisor max_restarts escalation",
    script: `defmodule Crasher do\n  def start_link, do: {:ok, spawn_link(fn -> exit(:boom) end)}\nend\nProcess.flag(:trap_exit, true)\n{:ok, sup} = Supervisor.start_link([%{id: :c, start: {Crasher, :start_link, []}}], strategy: :one_for_one, max_restarts: 2, max_seconds: 5)\nreceive do\n  {:EXIT, ^sup, reason} -> reason\nafter\n  2000 -> :still_up\nend`,
  },
  {
    name: "DynamicSupervisor start_child",
    script: `${BUCKET}{:ok, ds} = DynamicSupervisor.start_link(strategy: :one_for_one)\n{:ok, b} = DynamicSupervisor.start_child(ds, KV.Bucket)\nKV.Bucket.put(b, :k, 1)\n{KV.Bucket.get(b, :k), DynamicSupervisor.count_children(ds).active}`,
  },
  {
    name: "DynamicSupervisor max_children",
    script: `{:ok, ds} = DynamicSupervisor.start_link(strategy: :one_for_one, max_children: 1)\n{:ok, _} = DynamicSupervisor.start_child(ds, {Agent, fn -> 0 end})\nDynamicSupervisor.start_child(ds, {Agent, fn -> 0 end})`,
  },
  {
    name: "DynamicSupervisor module",
    script: `defmodule Pool.Sup do\n  use DynamicSupervisor\n  def start_link(a), do: DynamicSupervisor.start_link(__MODULE__, a, name: __MODULE__)\n  @impl true\n  def init(_), do: DynamicSupervisor.init(strategy: :one_for_one)\nend\n{:ok, _} = Pool.Sup.start_link(:ok)\n{:ok, _} = DynamicSupervisor.start_child(Pool.Sup, {Agent, fn -> :a end})\nDynamicSupervisor.which_children(Pool.Sup) |> length()`,
  },
  {
    name: "Registry unique keys and via names",
    script: `${STACK.replace("GenServer.start_link(__MODULE__, items)", "GenServer.start_link(__MODULE__, items, name: {:via, Registry, {Reg, :stack}})")}{:ok, _} = Registry.start_link(keys: :unique, name: Reg)\n{:ok, _} = Stack.start_link([7])\n{GenServer.call({:via, Registry, {Reg, :stack}}, :pop), Registry.count(Reg)}`,
  },
  {
    name: "Registry duplicate keys and dispatch",
    script: `{:ok, _} = Registry.start_link(keys: :duplicate, name: PubSub)\n{:ok, _} = Registry.register(PubSub, "topic", :a)\n{:ok, _} = Registry.register(PubSub, "topic", :b)\nRegistry.dispatch(PubSub, "topic", fn entries -> for {pid, v} <- entries, do: send(pid, {:broadcast, v}) end)\nfor _ <- 1..2, do: (receive do: ({:broadcast, v} -> v))`,
  },
  {
    name: "Registry dispatcher with a module from data (apply/3)",
    script: `defmodule Listener do\n  def handle(msg), do: {:handled, msg}\nend\n{:ok, _} = Registry.start_link(keys: :duplicate, name: Dispatcher)\n{:ok, _} = Registry.register(Dispatcher, "hello", {Listener, :handle})\nRegistry.lookup(Dispatcher, "hello") |> Enum.map(fn {_pid, {m, f}} -> apply(m, f, [:hi]) end)`,
  },
  {
    name: "Registry lookup, keys, unregister",
    script: `{:ok, _} = Registry.start_link(keys: :unique, name: R2)\n{:ok, _} = Registry.register(R2, :me, 1)\na = Registry.lookup(R2, :me) |> Enum.map(&elem(&1, 1))\n:ok = Registry.unregister(R2, :me)\n{a, Registry.lookup(R2, :me)}`,
  },
  {
    name: "PartitionSupervisor",
    script: `{:ok, _} = PartitionSupervisor.start_link(child_spec: {Agent, fn -> 0 end}, name: Parts, partitions: 2)\nAgent.update({:via, PartitionSupervisor, {Parts, 1}}, &(&1 + 5))\n{Agent.get({:via, PartitionSupervisor, {Parts, 1}}, & &1), PartitionSupervisor.partitions(Parts)}`,
  },
  {
    name: "spawn, send and receive",
    script: `parent = self()\nspawn(fn -> send(parent, {:hello, 1}) end)\nreceive do\n  {:hello, n} -> n\nend`,
  },
  {
    name: "spawn_link and trap_exit",
    script: `Process.flag(:trap_exit, true)\npid = spawn_link(fn -> exit(:bye) end)\nreceive do\n  {:EXIT, ^pid, r} -> r\nend`,
  },
  {
    name: "monitor and :DOWN",
    script: `{pid, ref} = spawn_monitor(fn -> raise "x" end)\nreceive do\n  {:DOWN, ^ref, :process, ^pid, {%RuntimeError{}, _}} -> :down\nend`,
  },
  {
    name: "Process.register and whereis",
    script: `pid = spawn(fn -> receive do: (:stop -> :ok) end)\nProcess.register(pid, :worker1)\nw = Process.whereis(:worker1) == pid\nsend(:worker1, :stop)\nw`,
  },
  { name: "Process dictionary", script: `Process.put(:k, 1)\n{Process.get(:k), Process.delete(:k), Process.get(:k)}` },
  { name: "receive with after", script: `receive do\n  :never -> :got\nafter\n  10 -> :timeout\nend` },
  {
    name: "Process.send_after and cancel_timer",
    script: `ref = Process.send_after(self(), :later, 1000)\nleft = Process.cancel_timer(ref)\nis_integer(left)`,
  },
  { name: "Process.info of own process", script: `{:message_queue_len, n} = Process.info(self(), :message_queue_len)\nn` },
  {
    name: "Process.exit with a reason, trapped",
    script: `Process.flag(:trap_exit, true)\npid = spawn_link(fn -> Process.sleep(:infinity) end)\nProcess.exit(pid, :shutdown)\nreceive do\n  {:EXIT, ^pid, r} -> r\nend`,
  },
  {
    name: "ETS set table",
    script: `t = :ets.new(:buckets, [:set, :protected])\n:ets.insert(t, {"foo", self()})\n[{"foo", p}] = :ets.lookup(t, "foo")\np == self()`,
  },
  {
    name: "ETS named public table, update_counter",
    script: `:ets.new(:counters, [:named_table, :public])\n:ets.insert(:counters, {:hits, 0})\nfor _ <- 1..3, do: :ets.update_counter(:counters, :hits, 1)\n:ets.lookup_element(:counters, :hits, 2)`,
  },
  {
    name: "ETS match and select",
    script: `t = :ets.new(:t, [:bag])\n:ets.insert(t, [{:a, 1}, {:a, 2}, {:b, 3}])\n{:ets.match(t, {:a, :"$1"}) |> Enum.sort(), :ets.select_count(t, [{{:_, :_}, [], [true]}])}`,
  },
  {
    name: "ETS tab2list and delete",
    script: `t = :ets.new(:t, [:ordered_set])\n:ets.insert(t, {2, :b})\n:ets.insert(t, {1, :a})\n:ets.delete(t, 2)\n:ets.tab2list(t)`,
  },
  { name: ":queue", script: `q = :queue.in(1, :queue.new())\nq = :queue.in(2, q)\n{{:value, x}, _} = :queue.out(q)\nx` },
  {
    name: ":sys.get_state and replace_state",
    script: `${STACK}{:ok, pid} = Stack.start_link([1])\n:sys.replace_state(pid, fn s -> [0 | s] end)\n:sys.get_state(pid)`,
  },
  {
    name: ":sys.trace and :sys.no_debug",
    script: `${STACK}{:ok, pid} = Stack.start_link([1])\n:ok = :sys.trace(pid, false)\n:ok = :sys.no_debug(pid)\nStack.pop(pid)`,
  },
  {
    name: ":sys.suspend and resume",
    script: `${STACK}{:ok, pid} = Stack.start_link([1])\n:ok = :sys.suspend(pid)\n:ok = :sys.resume(pid)\nStack.pop(pid)`,
  },
  {
    name: "defstruct and pattern matching",
    script: `defmodule User do\n  defstruct name: nil, age: 0\nend\n%User{name: n} = %User{name: "Ann"}\n{n, %User{}.age}`,
  },
  {
    name: "defexception and raise",
    script: `defmodule BankError do\n  defexception message: "insufficient funds"\nend\ntry do\n  raise BankError\nrescue\n  e in BankError -> e.message\nend`,
  },
  {
    name: "protocol with an implementation",
    script: `defprotocol Size do\n  def size(x)\nend\ndefimpl Size, for: Map do\n  def size(m), do: map_size(m)\nend\nSize.size(%{a: 1})`,
  },
  {
    name: "String.Chars for a struct",
    script: `defmodule Money do\n  defstruct cents: 0\n  defimpl String.Chars do\n    def to_string(m), do: "$#{div(m.cents, 100)}"\n  end\nend\n"#{%Money{cents: 500}}"`,
  },
  { name: "with and else", script: `with {:ok, a} <- {:ok, 1}, {:ok, b} <- {:error, :nope} do\n  a + b\nelse\n  {:error, r} -> r\nend` },
  { name: "comprehension into a map", script: `for {k, v} <- [a: 1, b: 2], into: %{}, do: {v, k}` },
  { name: "Stream pipeline", script: `Stream.iterate(1, &(&1 * 2)) |> Stream.take(5) |> Enum.to_list()` },
  {
    name: "Enum.reduce_while",
    script: `Enum.reduce_while(1..10, 0, fn x, acc -> if acc > 10, do: {:halt, acc}, else: {:cont, acc + x} end)`,
  },
  {
    name: "Logger inside a GenServer",
    script: `defmodule Noisy do\n  use GenServer\n  require Logger\n  def init(_), do: {:ok, 0}\n  def handle_call(:hi, _f, s), do: (Logger.info("hi"); {:reply, :logged, s})\nend\n{:ok, pid} = GenServer.start_link(Noisy, nil)\nGenServer.call(pid, :hi)`,
  },
  { name: "Application.get_env default", script: `Application.get_env(:my_app, :missing, :default)` },
  { name: "System.monotonic_time difference", script: `a = System.monotonic_time()\nb = System.monotonic_time()\nb >= a` },
  {
    name: "GenServer.multi-clause handle_call with state map",
    script: `defmodule Cart do\n  use GenServer\n  def init(_), do: {:ok, %{}}\n  def handle_call({:add, i, p}, _f, s), do: {:reply, :ok, Map.update(s, i, p, &(&1 + p))}\n  def handle_call(:total, _f, s), do: {:reply, s |> Map.values() |> Enum.sum(), s}\nend\n{:ok, c} = GenServer.start_link(Cart, nil)\nGenServer.call(c, {:add, :pen, 2})\nGenServer.call(c, {:add, :pen, 3})\nGenServer.call(c, :total)`,
  },
  { name: "Kernel.apply with a module variable", script: `defmodule M1 do\n  def hi(x), do: {:hi, x}\nend\nm = M1\napply(m, :hi, [1])` },
];
