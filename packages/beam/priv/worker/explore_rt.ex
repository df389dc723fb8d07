defmodule OtpForge.Explore.Rt do
  @moduledoc false
  # What the explorer's rewritten code calls (OtpForge.Explore.Rewrite puts
  # these calls in; code as written can never name this module: the policy
  # refuses it before the rewrite). Before each operation whose order can
  # change what a system does, the calling process parks and waits until the
  # scheduler (OtpForge.Explore) lets it go on; then the operation runs as the
  # sandbox's guard runs it. Timers are virtual: the scheduler fires them, in
  # due order, only when no process can take an untimed step.

  alias OtpForge.Guard
  alias OtpForge.Explore.Net

  @key :otpforge_explorer
  @model_key :otpforge_explorer_model

  @doc "The scheduler of this exploration, or nil outside one (the code then runs as is)."
  def scheduler, do: :persistent_term.get(@key, nil)

  @doc "Whether messages the job sends stay in flight until the scheduler delivers them (the distributed model)."
  def distributed?, do: :persistent_term.get(@model_key, nil) == :distributed

  def set_scheduler(pid, model) do
    :persistent_term.put(@model_key, model)
    :persistent_term.put(@key, pid)
  end

  def clear_scheduler do
    :persistent_term.erase(@key)
    :persistent_term.erase(@model_key)
  end

  @doc "Parks at a choice point described by `what` until the scheduler says go."
  def yield(what) do
    case scheduler() do
      nil ->
        :ok

      s ->
        token = make_ref()
        send(s, {:explore_park, self(), token, what})

        receive do
          {:explore_go, ^token} -> :ok
        end
    end
  end

  @doc "A callback of a user module starts: the process takes its next step only when chosen."
  def enter(callback, module, message, from) do
    if scheduler(), do: yield({:handle, callback, module, message, caller(from)}), else: :ok
  end

  defp caller({pid, _tag}) when is_pid(pid), do: label_of(pid)
  defp caller(_), do: nil

  # ---- the guarded operations (OtpForge.Guard.call(M, f, args, at) as the policy wrote them)

  def call(GenServer, :call, [server, msg], at),
    do: gen_call(server, msg, 5000, at, {GenServer, :call})

  def call(GenServer, :call, [server, msg, timeout], at),
    do: gen_call(server, msg, timeout, at, {GenServer, :call})

  def call(Agent, fun, [agent, f | rest], at)
      when fun in [:get, :update, :get_and_update] and is_function(f) do
    timeout = List.first(rest) || 5000
    gen_call(agent, {fun, f}, timeout, at, {Agent, fun})
  end

  def call(mod, fun, [dest, msg, time], at)
      when {mod, fun} in [{Process, :send_after}, {:erlang, :send_after}] and is_integer(time) do
    if scheduler() do
      Guard.dest(dest)
      Guard.no_refused_mfa(msg)
      yield({:timer, label_of(dest), msg, time})
      start_timer(time, dest, msg)
    else
      Guard.call(mod, fun, [dest, msg, time], at)
    end
  end

  # :timer's own timers, virtual like the others (its tref is the virtual timer's reference).
  def call(:timer, :send_after, [time, msg], at),
    do: call(:timer, :send_after, [time, self(), msg], at)

  def call(:timer, :send_after, [time, dest, msg], at) when is_integer(time) do
    if scheduler() do
      Guard.dest(dest)
      Guard.no_refused_mfa(msg)
      yield({:timer, label_of(dest), msg, time})
      {:ok, start_timer(time, dest, msg)}
    else
      Guard.call(:timer, :send_after, [time, dest, msg], at)
    end
  end

  def call(:timer, fun, args, at) when fun in [:send_interval, :exit_after, :kill_after] do
    if scheduler(),
      do:
        raise(
          ArgumentError,
          ":timer.#{fun} is not supported under the explorer (its timer would be real): use Process.send_after/3"
        ),
      else: Guard.call(:timer, fun, args, at)
  end

  def call(mod, fun, args, at) do
    yield(describe(mod, fun, args))

    if distributed?() do
      Net.after_choice(mod, fun, args, at)
    else
      target = signal_target(mod, fun, args)
      result = Guard.call(mod, fun, args, at)
      delivered(target)
      result
    end
  end

  @doc "A guarded operation that is no choice point but that the distributed model must see (see Net.direct/4)."
  def direct(mod, fun, [f | rest], at)
      when fun in [:spawn, :spawn_link, :spawn_monitor] and mod in [Kernel, :erlang, Process] and
             is_function(f, 0),
      do: direct_call(mod, fun, [ends(f) | rest], at)

  # Trapping exits is a choice point: an exit signal that comes before it kills the process, one
  # that comes after is a message; a process may be started and signalled before it sets the flag.
  def direct(Process, :flag, [:trap_exit, on] = args, at) do
    yield({:trap_exit, on})
    direct_call(Process, :flag, args, at)
  end

  def direct(mod, fun, args, at), do: direct_call(mod, fun, args, at)

  defp direct_call(mod, fun, args, at),
    do:
      if(distributed?(), do: Net.direct(mod, fun, args, at), else: Guard.call(mod, fun, args, at))

  def spawn_monitor(f),
    do:
      if(distributed?(),
        do: Net.direct(Kernel, :spawn_monitor, [ends(f)], nil),
        else: Kernel.spawn_monitor(ends(f))
      )

  @doc "spawn/1 and spawn_link/1 written as local calls."
  def spawn(:spawn, f), do: Kernel.spawn(ends(f))
  def spawn(:spawn_link, f), do: Kernel.spawn_link(ends(f))

  @doc """
  A spawned function whose end is a choice point when someone watches the process: its exit
  signals and :DOWN messages come at its end, and on the real BEAM other processes may act
  between its last operation and that end.
  """
  def ends(f) when is_function(f, 0) do
    fn ->
      try do
        f.()
      after
        ending()
      end
    end
  end

  def ends(other), do: other

  defp ending do
    # (The scheduler's own monitor, which only waits for the :DOWN, is nobody watching.)
    with s when s != nil <- scheduler(),
         [links: l, monitored_by: m] <- Process.info(self(), [:links, :monitored_by]),
         true <- l != [] or m -- [s] != [] do
      yield({:ending})
    end

    :ok
  end

  @doc "Process.monitor/1 (and :erlang.monitor(:process, _)): virtual in the distributed model, so a :DOWN follows the dead process's messages."
  def monitor(target),
    do: if(distributed?(), do: Net.monitor(target), else: Process.monitor(target))

  def monitor(:process, target), do: monitor(target)
  def monitor(type, target), do: :erlang.monitor(type, target)
  def monitor(:process, target, []), do: monitor(target)
  def monitor(type, target, opts), do: :erlang.monitor(type, target, opts)

  def demonitor(ref, opts \\ []),
    do: if(distributed?(), do: Net.demonitor(ref, opts), else: Process.demonitor(ref, opts))

  # ---- operations the policy leaves unguarded, rewritten directly

  def sleep(ms) when is_integer(ms) and ms >= 0 do
    if scheduler() do
      ref = make_ref()
      start_timer(ms, self(), {:"$otpforge_after", ref})
      receive do: ({:"$otpforge_after", ^ref} -> :ok)
    else
      Process.sleep(ms)
    end
  end

  def sleep(other), do: Process.sleep(other)

  @doc """
  Trusted observers only (job code cannot name this module): sleeps until virtual time `t` ms after
  the schedule began, or not at all if it has passed; as every virtual sleep, it ends only once no
  other process can move. Outside an exploration, `start_ms` (a monotonic time in ms) is the origin.
  """
  def sleep_until(t, start_ms) when is_integer(t) do
    case scheduler() do
      nil ->
        left = start_ms + t - System.monotonic_time(:millisecond)
        if left > 0, do: Process.sleep(left)

      s ->
        ref = make_ref()
        send(s, {:explore_timer_at, ref, t, self(), {:"$otpforge_after", ref}})
        receive do: ({:"$otpforge_after", ^ref} -> :ok)
    end
  end

  def timer_cancel(ref) do
    case scheduler() do
      nil ->
        :timer.cancel(ref)

      _ ->
        cancel_timer(ref)
        {:ok, :cancel}
    end
  end

  @doc "init/1 and terminate/2 end: OTP answers the starter (or the stopper) at once, so what the process sent goes first."
  def leaving_callback, do: if(distributed?(), do: Net.leaving(), else: :ok)

  def cancel_timer(ref) do
    case scheduler() do
      nil ->
        Process.cancel_timer(ref)

      s ->
        send(s, {:explore_cancel, ref})
        false
    end
  end

  @doc "A virtual `receive ... after ms`: the scheduler sends {:\"$otpforge_after\", ref} when the time is due."
  def after_start(ms) when is_integer(ms) and ms > 0 do
    ref = make_ref()
    # The timer is known by the same reference, so that after_cancel/1 cancels it.
    if scheduler(),
      do: start_timer(ms, self(), {:"$otpforge_after", ref}, ref),
      else: Process.send_after(self(), {:"$otpforge_after", ref}, ms)

    ref
  end

  def after_start(:infinity), do: nil
  # `after t` with t = 0 at run time: look at the mailbox as it is, as a literal `after 0` does
  # (and, like it, only once chosen: what is in the mailbox then depends on who went first).
  def after_start(0),
    do:
      (
        poll()
        :now
      )

  @doc "A process is about to look at its mailbox without waiting (`receive ... after 0`)."
  def poll, do: yield({:poll})

  def after_cancel(nil), do: :ok
  def after_cancel(:now), do: :ok

  def after_cancel(ref) do
    case scheduler() do
      nil -> :ok
      s -> send(s, {:explore_cancel, ref})
    end

    receive do
      {:"$otpforge_after", ^ref} -> :ok
    after
      0 -> :ok
    end
  end

  def task_await(%Task{ref: ref} = task, timeout \\ 5000) do
    yield({:await, label_of(task.pid)})
    tref = if timeout == :infinity, do: nil, else: after_start(max(timeout, 1))

    receive do
      {^ref, reply} ->
        after_cancel(tref)
        Process.demonitor(ref, [:flush])
        reply

      {:DOWN, ^ref, _, _, reason} ->
        after_cancel(tref)
        exit({reason, {Task, :await, [task, timeout]}})

      {:"$otpforge_after", ^tref} ->
        exit({:timeout, {Task, :await, [task, timeout]}})
    end
  end

  # ---- GenServer.call with a virtual timeout, as gen:call does it on OTP 24+ (an alias, so a late reply is dropped)

  defp gen_call(server, msg, timeout, at, {mod, fun}) do
    if scheduler() == nil do
      Guard.call(mod, fun, call_args(server, msg, timeout, mod, fun), at)
    else
      Guard.no_refused_mfa(msg)
      yield({:call, label_of(server), msg})
      where = {GenServer, :call, [server, msg, timeout]}
      exit_with = fn reason -> exit({reason, where}) end

      # The name is looked up once, when the request is sent; the pid checked is the pid called.
      pid =
        case GenServer.whereis(server) do
          nil ->
            exit_with.(:noproc)

          pid when pid == self() ->
            exit({:calling_self, where})

          pid ->
            Guard.dest(pid)
            pid
        end

      if distributed?(),
        do: Net.call(pid, msg, timeout, exit_with),
        else: local_call(pid, msg, timeout, exit_with)
    end
  end

  defp local_call(pid, msg, timeout, exit_with) do
    mref = :erlang.monitor(:process, pid, [{:alias, :demonitor}])
    tref = if timeout == :infinity, do: nil, else: after_start(max(timeout, 1))
    send(pid, {:"$gen_call", {self(), [:alias | mref]}, msg})
    delivered(pid)

    receive do
      {[:alias | ^mref], reply} ->
        Process.demonitor(mref, [:flush])
        after_cancel(tref)
        reply

      {:DOWN, ^mref, _, _, reason} ->
        after_cancel(tref)
        exit_with.(reason)

      {:"$otpforge_after", ^tref} ->
        Process.demonitor(mref, [:flush])
        exit_with.(:timeout)
    end
  end

  defp call_args(server, msg, timeout, GenServer, :call), do: [server, msg, timeout]
  defp call_args(server, {_, f}, timeout, Agent, _), do: [server, f, timeout]

  @doc false
  def start_timer(ms, dest, msg, ref \\ make_ref()) do
    send(scheduler(), {:explore_timer, ref, ms, dest, msg})
    ref
  end

  # ---- signals on their way
  #
  # A message or exit signal sent to another process is on its way when send/exit returns. The
  # scheduler looks at processes from outside, so under load it could see the receiver still
  # idle (a killed server still parked, a server with no request yet) and take the run for quiet
  # before the signal lands: then which steps are enabled next would depend on how busy the
  # machine is. :erlang.is_process_alive/1 returns only once every signal its caller sent to
  # that process has been delivered (a documented guarantee), so the sender waits for that
  # before its next choice point.

  defp signal_target(mod, :send, [dest | _]) when mod in [Kernel, Process], do: local_pid(dest)
  defp signal_target(mod, :cast, [dest, _]) when mod in [GenServer, Agent], do: local_pid(dest)
  defp signal_target(GenServer, :reply, [{pid, _}, _]), do: local_pid(pid)
  defp signal_target(mod, :exit, [dest, _]) when mod in [Process, :erlang], do: local_pid(dest)
  defp signal_target(mod, :link, [dest]) when mod in [Process, :erlang], do: local_pid(dest)
  defp signal_target(_, _, _), do: nil

  defp local_pid(pid) when is_pid(pid), do: if(node(pid) == node() and pid != self(), do: pid)
  defp local_pid(name) when is_atom(name) and name != nil, do: local_pid(Process.whereis(name))
  defp local_pid({name, n}) when is_atom(name) and n == node(), do: local_pid(name)

  # (A :via lookup may raise, e.g. for a registry that is not running; the operation then fails or not as it would.)
  defp local_pid({:via, _, _} = via) do
    local_pid(GenServer.whereis(via))
  rescue
    _ -> nil
  end

  defp local_pid(_), do: nil

  defp delivered(nil), do: :ok

  defp delivered(pid),
    do:
      (
        :erlang.is_process_alive(pid)
        :ok
      )

  # ---- how a choice point reads in a witness

  defp describe(GenServer, :cast, [dest, msg]), do: {:cast, label_of(dest), msg}

  defp describe(mod, :send, [dest, msg]) when mod in [Kernel, Process],
    do: {:send, label_of(dest), msg}

  defp describe(Agent, :cast, [dest, _]), do: {:cast, label_of(dest), :agent_fun}
  defp describe(GenServer, :reply, [{pid, _}, reply]), do: {:reply, label_of(pid), reply}

  defp describe(mod, :exit, [dest, reason]) when mod in [Process, :erlang],
    do: {:exit, label_of(dest), reason}

  defp describe(:ets, fun, [table | rest]), do: {:ets, fun, table, List.first(rest)}

  defp describe(mod, fun, [dest | _])
       when is_pid(dest) or (is_atom(dest) and dest not in [nil, true, false]),
       do: {:op, mod, fun, label_of(dest)}

  defp describe(mod, fun, _), do: {:op, mod, fun, nil}

  def label_of(pid) when is_pid(pid) do
    case Process.info(pid, :registered_name) do
      {:registered_name, name} when is_atom(name) -> name
      _ -> {:pid, pid}
    end
  end

  def label_of(other), do: other
end
