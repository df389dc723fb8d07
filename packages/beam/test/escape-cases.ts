// Ways model-written code got past the sandbox before (issue: "A sandbox that
// holds"), each written as the attack itself. Shared by escapes.test.ts, which
// runs them in-process (as root in CI) and, through run-escapes.ts, as a
// normal user. Every attack aims at `target`, a file in a host directory the
// test watches: nothing may ever appear there.
import type { Job, Verdict } from "../src/index.js";

export interface EscapeCase {
  name: string;
  job: (target: string) => Job;
  /** The verdict the sandbox gives (in-VM layers); the OS layer is checked on top by the test. */
  status: Verdict;
  message?: RegExp;
}

const q = (s: string) => JSON.stringify(s);
// The `:erlang` atom, which the policy refuses as a literal, read at run time.
const ERLANG_AT_RUN_TIME = "{:initial_call, {erl, _, _}} = Process.info(self(), :initial_call)";

export const ESCAPES: EscapeCase[] = [
  {
    name: "code interpolated in ~w(...)",
    job: (t) => ({ script: `~w(a #{File.write!(${q(t)}, "x")} b)` }),
    status: "policy_violation",
    message: /File/,
  },
  {
    name: "unquote(...) in a def head",
    job: (t) => ({ files: [{ name: "u.ex", source: `defmodule U do\n  def unquote(File.write!(${q(t)}, "x") && :f)(), do: 1\nend` }] }),
    status: "policy_violation",
    message: /unquote is not allowed|File/,
  },
  {
    name: "require File, as: F",
    job: (t) => ({ script: `require File, as: F\nF.write!(${q(t)}, "x")` }),
    status: "policy_violation",
    message: /File/,
  },
  {
    name: "alias :os, as: Os",
    job: (t) => ({ script: `alias :os, as: Os\nOs.cmd(~c"touch ${t}")` }),
    status: "policy_violation",
    message: /:os/,
  },
  {
    name: "defdelegate default arguments",
    job: (t) => ({
      files: [{ name: "d.ex", source: `defmodule D do\n  defdelegate f(x \\\\ File.write!(${q(t)}, "x")), to: Enum, as: :count\nend` }],
      script: "D.f()",
    }),
    status: "policy_violation",
    message: /File/,
  },
  {
    name: ":timer.tc with a module/function pair",
    job: (t) => ({ script: `:timer.tc(:file, :write_file, [~c"${t}", "x"])` }),
    status: "policy_violation",
    message: /:file/,
  },
  {
    name: ":erlang read from Process.info, then :timer.tc",
    job: () => ({ script: `${ERLANG_AT_RUN_TIME}\n:timer.tc(erl, :halt, [])` }),
    status: "policy_violation",
    message: /:erlang\.halt\/0 is not allowed in sandboxed code \(script\.exs:2\)/,
  },
  {
    name: "Task.Supervisor.async_stream with a module/function pair",
    job: () => ({
      script: `{:ok, s} = Task.Supervisor.start_link()\n${ERLANG_AT_RUN_TIME}\nTask.Supervisor.async_stream(s, [1], erl, :halt, []) |> Enum.to_list()`,
    }),
    status: "policy_violation",
    message: /:erlang\.halt/,
  },
  {
    name: "a File.Stream struct from an atom in a runtime ETS table",
    job: (t) => ({
      script: `mods = :ets.tab2list(:ac_tab)\nm = Enum.find_value(mods, fn _ -> nil end)\nEnum.into(["x"], %{__struct__: m, path: ${q(t)}, modes: [:write], line_or_bytes: :line, raw: true, node: node()})`,
    }),
    status: "policy_violation",
    message: /may only read ETS tables its processes own; :ac_tab belongs to the runtime/,
  },
  {
    name: "module names from a protocol's reflection",
    job: () => ({ script: `Collectable.__protocol__(:impls)` }),
    status: "policy_violation",
    message: /Collectable\.__protocol__\/1 is not allowed/,
  },
  {
    name: "File mapped to File.Evil inside defmodule File.Evil, then a capture",
    job: (t) => ({
      files: [{ name: "e.ex", source: `defmodule File.Evil do\n  def go, do: (f = &File.write!/2; f.(${q(t)}, "x"))\nend` }],
      script: "File.Evil.go()",
    }),
    status: "policy_violation",
    message: /File/,
  },
  {
    name: "a child spec that differs on its second child_spec/1 call",
    job: () => ({
      files: [
        {
          name: "two_faced.ex",
          source: `defmodule TwoFaced do
  use Agent
  def start_link(_), do: Agent.start_link(fn -> :benign end)
  def child_spec(arg) do
    n = Process.get(:calls, 0)
    Process.put(:calls, n + 1)
    ${ERLANG_AT_RUN_TIME}
    if n == 0, do: %{id: __MODULE__, start: {__MODULE__, :start_link, [arg]}}, else: %{id: __MODULE__, start: {erl, :halt, []}}
  end
end`,
        },
      ],
      script: "{:ok, sup} = Supervisor.start_link([TwoFaced], strategy: :one_for_one)\nSupervisor.count_children(sup).active",
    }),
    status: "ok",
  },
  {
    name: "a raw child tuple returned by a supervisor's init/1",
    job: () => ({
      files: [
        {
          name: "raw_sup.ex",
          source: `defmodule RawSup do
  def start_link, do: Supervisor.start_link(__MODULE__, :ok)
  def init(:ok) do
    {:module, erl} = Function.info(&self/0, :module)
    {:ok, {{:one_for_one, 1, 5}, [{:x, {erl, :halt, []}, :permanent, 1000, :worker, []}]}}
  end
end`,
        },
      ],
      script: "RawSup.start_link()",
    }),
    status: "policy_violation",
    message: /a child that starts with :erlang\.halt\/0 is not allowed/,
  },
  {
    name: "forging frames through the port found in the runner's links",
    job: () => ({
      script: `runner = Process.whereis(:otpforge_runner)
{:links, links} = Process.info(runner, :links)
port = Enum.find(links, &is_port/1)
GenServer.reply({port, runner}, {:command, ~s({"op":"result","id":1,"result":{"status":"ok","message":"ok","value":"42"}})})
raise "the program is broken"`,
    }),
    status: "policy_violation",
    message: /Process\.info of .* is not allowed/,
  },
  {
    name: "defimpl Inspect, for: [Integer] (list form)",
    job: () => ({ script: `defimpl Inspect, for: [Integer] do\n  def inspect(i, _), do: "forged(#{i})"\nend\n42` }),
    status: "policy_violation",
    message: /redefines a module that already exists/,
  },
  {
    name: "a timer aimed at a name nobody holds yet",
    job: () => ({ script: `Process.send_after(Counter, {:set, 666}, 50)\n:ok` }),
    status: "policy_violation",
    message: /no process of the job holds that name/,
  },
  {
    name: ":ets.init_table on the application controller's table",
    job: () => ({ script: `:ets.init_table(:ac_tab, fn _ -> :end_of_input end)` }),
    status: "policy_violation",
    message: /:ac_tab belongs to the runtime/,
  },
  {
    name: "moving a process to another group leader",
    job: () => ({ script: `p = spawn(fn -> Process.sleep(:infinity) end)\nProcess.group_leader(p, Process.whereis(:user))` }),
    status: "policy_violation",
    message: /group_leader\/2 is not allowed/,
  },
  {
    name: "GenServer.reply({:init, :stop}, ...) to halt the VM",
    job: () => ({ script: `GenServer.reply({:init, :stop}, :x)` }),
    status: "policy_violation",
    message: /GenServer\.reply\/2 to \{:init, :stop\}/,
  },
  {
    name: ":timer.kill_after on a runtime process",
    job: () => ({ script: `:timer.kill_after(0, Process.whereis(:code_server))\nProcess.sleep(100)` }),
    status: "policy_violation",
    message: /:code_server\) belongs to the runtime/,
  },
  {
    name: "Task.shutdown of a task struct holding a runtime pid",
    job: () => ({
      script: `Task.shutdown(%Task{pid: Process.whereis(:code_server), ref: make_ref(), owner: self(), mfa: {Kernel, :self, 0}}, :brutal_kill)`,
    }),
    status: "policy_violation",
    message: /belongs to the runtime/,
  },
  {
    name: "a system pid planted in the job's own Registry, reached through :via",
    job: () => ({
      script: `{:ok, _} = Registry.start_link(keys: :unique, name: Planted)
[{-2, {:unique, 1, key_table}}] = :ets.lookup(Planted, -2)
:ets.insert(key_table, {:k, {Process.whereis(:code_server), nil}})
GenServer.call({:via, Registry, {Planted, :k}}, :which_children)`,
    }),
    status: "policy_violation",
    message: /belongs to the runtime/,
  },
  {
    name: "Process.info of the runner's stack (where the request's nonce lives)",
    job: () => ({ script: `Process.info(Process.whereis(:otpforge_runner), :backtrace)` }),
    status: "policy_violation",
    message: /Process\.info.* is not allowed/,
  },

  // Found by an attacker after the sandbox was rebuilt (each reached :erlang, the runner's memory or a forged verdict):
  {
    name: "DynamicSupervisor extra_arguments put a module before a child's arguments",
    job: () => ({
      script: `{:module, erl} = Function.info(&self/0, :module)
{:ok, sup} = DynamicSupervisor.start_link(strategy: :one_for_one, extra_arguments: [erl, :open_port])
DynamicSupervisor.start_child(sup, %{id: :a, start: {Agent, :start_link, [[{:spawn, ~c"id"}, [:binary]]]}})`,
    }),
    status: "policy_violation",
    message: /extra_arguments with a module or atom/,
  },
  {
    name: "a DynamicSupervisor module whose init/1 sets extra_arguments",
    job: () => ({
      script: `defmodule ExtraSup do
  use DynamicSupervisor
  def start_link, do: DynamicSupervisor.start_link(__MODULE__, :ok)
  def init(:ok) do
    {:module, erl} = Function.info(&self/0, :module)
    DynamicSupervisor.init(strategy: :one_for_one, extra_arguments: [erl])
  end
end
{:ok, sup} = ExtraSup.start_link()
DynamicSupervisor.start_child(sup, %{id: :a, start: {Agent, :start_link, [:halt, [7]]}})`,
    }),
    status: "policy_violation",
    message: /extra_arguments with a module or atom/,
  },
  {
    name: "PartitionSupervisor with_arguments rewriting a checked child",
    job: () => ({
      script: `{:module, erl} = Function.info(&self/0, :module)
PartitionSupervisor.start_link(child_spec: {Agent, fn -> :benign end}, name: P, partitions: 1, with_arguments: fn _args, _p -> [erl, :halt, [7]] end)`,
    }),
    status: "policy_violation",
    message: /:with_arguments option is not allowed/,
  },
  {
    name: "a supervisor init/1 returning empty-map flags and a raw child",
    job: () => ({
      script: `defmodule EmptyFlagsSup do
  def start_link, do: Supervisor.start_link(__MODULE__, :ok)
  def init(:ok) do
    {:module, erl} = Function.info(&self/0, :module)
    {:ok, {%{}, [%{id: :x, start: {erl, :halt, [7]}}]}}
  end
end
EmptyFlagsSup.start_link()`,
    }),
    status: "policy_violation",
    message: /a child that starts with :erlang\.halt\/1 is not allowed/,
  },
  {
    name: "a supervisor whose init/1 is a defdelegate",
    job: () => ({
      script: `defmodule Helper do
  def make(:ok) do
    {:module, erl} = Function.info(&self/0, :module)
    {:ok, {{:one_for_one, 1, 5}, [{:x, {erl, :halt, [7]}, :permanent, 1000, :worker, []}]}}
  end
end
defmodule DelegSup do
  def start_link, do: Supervisor.start_link(__MODULE__, :ok)
  defdelegate init(arg), to: Helper, as: :make
end
DelegSup.start_link()`,
    }),
    status: "policy_violation",
    message: /a child that starts with :erlang\.halt\/1 is not allowed/,
  },
  {
    name: "a module with use GenServer (default init/1) started as a supervisor with children as its argument",
    job: () => ({
      script: `defmodule Plain do
  use GenServer
end
{:module, erl} = Function.info(&self/0, :module)
Supervisor.start_link(Plain, {{:one_for_one, 1, 5}, [{:x, {erl, :halt, [7]}, :permanent, 1000, :worker, []}]})`,
    }),
    status: "policy_violation",
    message: /a child that starts with :erlang\.halt\/1 is not allowed/,
  },
  {
    name: ":erlang.system_info(:procs), every process's stack (the runner's nonce)",
    job: () => ({ script: `:erlang.system_info(:procs) |> byte_size()` }),
    status: "policy_violation",
    message: /:erlang\.system_info\(:procs\) is not allowed/,
  },
  {
    name: ":erlang.garbage_collect of a runtime process",
    job: () => ({ script: `:erlang.garbage_collect(Process.whereis(:otpforge_runner))` }),
    status: "policy_violation",
    message: /belongs to the runtime/,
  },
  {
    name: "Registry listeners that are runtime processes",
    job: () => ({ script: `Registry.start_link(keys: :unique, name: R, listeners: [:otpforge_runner, :code_server])` }),
    status: "policy_violation",
    message: /is a process of the runtime/,
  },
  {
    name: "IO.write to the runner as a device",
    job: () => ({ script: `IO.write(Process.whereis(:otpforge_runner), "io to runner")` }),
    status: "policy_violation",
    message: /belongs to the runtime/,
  },
  {
    name: ":io.format to the code server as a device",
    job: () => ({ script: `:io.format(Process.whereis(:code_server), ~c"x", [])` }),
    status: "policy_violation",
    message: /belongs to the runtime/,
  },
  {
    name: "silencing the logger through :persistent_term (hides a heap kill)",
    job: () => ({ script: `:persistent_term.put({:logger_config, :"$primary_config$"}, -1)` }),
    status: "policy_violation",
    message: /:persistent_term key .* belongs to the runtime/,
  },
  {
    name: ":persistent_term.get/0 lists the runtime's terms",
    job: () => ({ script: `:persistent_term.get() |> length()` }),
    status: "policy_violation",
    message: /:persistent_term\.get\/0 is not allowed/,
  },

  // Second attacker round: OTP building blocks run {M, F, A} from their messages and state.
  {
    name: "a raw Agent protocol message carrying a module/function pair",
    job: () => ({
      script: `{:module, erl} = Function.info(&self/0, :module)
{:ok, a} = Agent.start_link(fn -> "os" end)
GenServer.call(a, {:get, {erl, :binary_to_atom, []}})`,
    }),
    status: "policy_violation",
    message: /:erlang\.binary_to_atom\/0 is not allowed/,
  },
  {
    name: "a raw $gen_call sent to an Agent",
    job: () => ({
      script: `{:module, erl} = Function.info(&self/0, :module)
{:ok, a} = Agent.start_link(fn -> :x end)
send(a, {:"$gen_call", {self(), make_ref()}, {:get, {erl, :halt, []}}})
Process.sleep(200)`,
    }),
    status: "policy_violation",
    message: /:erlang\.halt\/0 is not allowed/,
  },
  {
    name: "a raw DynamicSupervisor start_child message",
    job: () => ({
      script: `{:module, erl} = Function.info(&self/0, :module)
{:ok, sup} = DynamicSupervisor.start_link(strategy: :one_for_one)
GenServer.call(sup, {:start_child, {{erl, :halt, [7]}, :temporary, 5000, :worker, []}})`,
    }),
    status: "policy_violation",
    message: /:erlang\.halt\/1 is not allowed/,
  },
  {
    name: ":sys.replace_state rewriting a supervisor's child start",
    job: () => ({
      script: `{:module, erl} = Function.info(&self/0, :module)
{:ok, sup} = Supervisor.start_link([%{id: :w, start: {Agent, :start_link, [fn -> 1 end]}, restart: :permanent}], strategy: :one_for_one)
:sys.replace_state(sup, fn st ->
  {ids, %{w: child}} = elem(st, 3)
  put_elem(st, 3, {ids, %{w: put_elem(child, 3, {erl, :halt, [8]})}})
end)
[{:w, pid, _, _}] = Supervisor.which_children(sup)
Process.exit(pid, :kill)
Process.sleep(500)`,
    }),
    status: "policy_violation",
    message: /:sys\.replace_state of a supervisor is not allowed/,
  },
  {
    name: "reading a ref out of the job's own stack (to forge the runner's done message)",
    job: () => ({ script: `Process.info(self(), :backtrace)` }),
    status: "policy_violation",
    message: /Process\.info\(pid, :backtrace\) is not allowed/,
  },
  {
    name: "Agent.start_link/4 options: :debug writes a file",
    job: () => ({
      files: [{ name: "ag.ex", source: "defmodule Ag do\n  def init, do: 0\nend" }],
      script: `Agent.start_link(Ag, :init, [], debug: [{:log_to_file, ~c"pwned.txt"}])`,
    }),
    status: "policy_violation",
    message: /the :debug option is not allowed/,
  },
  {
    name: "Agent.start_link/4 options: spawn_opt lifting the heap limit",
    job: () => ({
      files: [{ name: "ag.ex", source: "defmodule Ag do\n  def init, do: 0\nend" }],
      script: `Agent.start_link(Ag, :init, [], spawn_opt: [max_heap_size: 0])`,
    }),
    status: "policy_violation",
    message: /spawn option \{:max_heap_size, 0\} is not allowed/,
  },
  {
    name: "an IO.Stream struct aimed at the runner",
    job: () => ({
      script: `Enum.into(["hello runner"], %IO.Stream{device: Process.whereis(:otpforge_runner), raw: true, line_or_bytes: :line})`,
    }),
    status: "policy_violation",
    message: /IO\.Stream/,
  },

  // Third attacker round: the raw system message behind :sys.replace_state, with a fun (not searched) inside.
  {
    name: "a raw {:system, ...} replace_state message rewriting a supervisor's child start",
    job: () => ({
      script: `{:module, erl} = Function.info(&self/0, :module)
{:ok, sup} = Supervisor.start_link([%{id: :w, start: {Agent, :start_link, [fn -> 1 end]}, restart: :permanent}], strategy: :one_for_one)
send(sup, {:system, {self(), make_ref()}, {:replace_state, fn st ->
  {ids, %{w: child}} = elem(st, 3)
  put_elem(st, 3, {ids, %{w: put_elem(child, 3, {erl, :halt, [8]})}})
end}})
Process.sleep(200)
[{:w, pid, _, _}] = Supervisor.which_children(sup)
Process.exit(pid, :kill)
Process.sleep(500)
:survived`,
    }),
    status: "policy_violation",
    message: /raw \{:system, \.\.\.\} message is not allowed/,
  },
  {
    name: "a raw system message through GenServer.call",
    job: () => ({
      script: `{:ok, sup} = Supervisor.start_link([], strategy: :one_for_one)
GenServer.call(sup, {:system, {self(), make_ref()}, :get_state})`,
    }),
    status: "policy_violation",
    message: /raw \{:system, \.\.\.\} message is not allowed/,
  },

  // Fourth attacker round: a DynamicSupervisor's extra_arguments set through :sys.replace_state.
  {
    name: ":sys.replace_state setting a DynamicSupervisor's extra_arguments",
    job: () => ({
      script: `{:module, erl} = Function.info(&self/0, :module)
{:ok, sup} = DynamicSupervisor.start_link(strategy: :one_for_one)
:sys.replace_state(sup, fn st -> %{st | extra_arguments: [erl, :binary_to_atom]} end)
{:ok, a} = DynamicSupervisor.start_child(sup, %{id: 1, start: {Agent, :start_link, [["os"], []]}})
Agent.get(a, fn s -> s end)`,
    }),
    status: "policy_violation",
    message: /:sys\.replace_state of a DynamicSupervisor is not allowed/,
  },
];

/** A program whose true value is known: run after every hostile job, it must still give it. */
export const BENIGN: { job: Job; value: string } = {
  job: {
    files: [
      {
        name: "counter.ex",
        source: `defmodule Counter do
  use GenServer
  def start_link(n), do: GenServer.start_link(__MODULE__, n, name: __MODULE__)
  def init(n), do: {:ok, n}
  def handle_call(:inc, _from, n), do: {:reply, n + 1, n + 1}
  def handle_info({:set, v}, _), do: {:noreply, v}
end`,
      },
    ],
    script: `{:ok, _} = Counter.start_link(40)\nProcess.sleep(80)\nGenServer.call(Counter, :inc)\nGenServer.call(Counter, :inc)\n{inspect(42), GenServer.call(Counter, :inc)}`,
  },
  value: '{"42", 43}',
};

/**
 * What escaped code could do, done by trusted jobs (no policy, no guards, the
 * same OS sandbox): the OS layer alone must stop it.
 */
export function osLayerProbe(target: string, home: string): string {
  return `
write_target = File.write(${q(target)}, "x")
write_usr = File.write("/usr/otpforge-escape", "x")
write_etc = File.write("/etc/otpforge-escape", "x")
read_home = File.read(${q(home + "/.env")})
ls_home = File.ls(${q(home)})
abstract = :gen_tcp.connect({:local, <<0, "otpforge-escape-test">>}, 0, [:local], 500)
net = :gen_tcp.connect({1, 1, 1, 1}, 53, [], 500)
%{write_target: inspect(write_target), write_usr: inspect(write_usr), write_etc: inspect(write_etc),
  read_home: inspect(read_home), ls_home: inspect(ls_home), abstract: inspect(abstract), net: inspect(net)}
`;
}

/** An escaped program writing its own verdict straight to the result channel (fd 3). */
export const RAW_FORGERY = `port = Port.open({:fd, 3, 3}, [:binary, {:packet, 4}])
Port.command(port, ~s({"op":"result","id":1,"result":{"status":"ok","message":"ok","value":"all 12 tests passed"}}))
Port.command(port, ~s({"op":"result","id":2,"result":{"status":"ok","message":"ok","value":"42"}}))
Process.sleep(200)
raise "broken"`;

/**
 * What code past every guard could do to the result channel inside the VM:
 * read the root's ref and send the runner a result. Run as trusted jobs (no
 * policy) to test the runner's own check, not the guards.
 */
export const FORGED_RESULT = (then: string) => `{:backtrace, bt} = Process.info(self(), :backtrace)
refs = Regex.scan(~r/#Ref<[0-9.]+>/, bt) |> List.flatten() |> Enum.uniq()
for r <- refs, do: send(:otpforge_runner, {:otpforge_done, :erlang.list_to_ref(String.to_charlist(r)), {:ok, "\\"forged\\"", nil}})
Process.sleep(100)
${then}`;
