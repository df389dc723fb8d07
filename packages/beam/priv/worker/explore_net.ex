defmodule OtpForge.Explore.Net do
  @moduledoc false
  # The distributed delivery model, on the side of the job's processes (OtpForge.Explore.Rt
  # calls in here once a choice point is passed). A message the job sends is handed to the
  # scheduler, which keeps it in flight on the channel from its sender to its receiver and
  # delivers it as a choice of its own (OtpForge.Explore.Channels). Replies to calls come back
  # through the scheduler too: the `from` a server is given names an alias the scheduler's
  # router holds. So do the :DOWN messages of the monitors the job sets.
  #
  # What the language guarantees is kept: a channel is first in, first out, and a process's
  # :DOWN is queued behind the messages it sent. Where the runtime orders a message against a
  # signal it sends itself (the :EXIT a linked process trapping exits gets, an exit signal, a
  # link, an OTP process's own messages), the channels concerned are emptied first and the
  # operation runs at once, as on one node.

  alias OtpForge.Guard
  alias OtpForge.Explore.Rt

  # ---- a guarded operation past its choice point: a send or cast goes in flight; anything else
  # reaches its target at once, after the channels between them are emptied

  def after_choice(mod, fun, args, at) do
    case in_flight(mod, fun, args) do
      nil ->
        empty_towards(mod, fun, args)
        Guard.call(mod, fun, args, at)

      wrap ->
        Guard.call_with(mod, fun, args, at, fn [dest | _] = checked ->
          case local_pid(dest) do
            # A name nobody holds: what the runtime does then (send raises, cast drops).
            nil ->
              apply(mod, fun, checked)

            pid ->
              # A process and itself are on one node; a trapping linked receiver gets it before any :EXIT.
              if pid == self() or exit_ordered?(pid) do
                empty([{:pair, self(), pid}])
                apply(mod, fun, checked)
              else
                {wire, result} = wrap.(checked)
                send(Rt.scheduler(), {:explore_send, self(), pid, wire})
                result
              end
          end
        end)
    end
  end

  # What goes on the wire for the sends that can stay in flight, and what the call returns.
  defp in_flight(mod, :send, [_, _]) when mod in [Kernel, Process],
    do: fn [_, msg] -> {msg, msg} end

  defp in_flight(GenServer, :cast, [_, _]), do: fn [_, msg] -> {{:"$gen_cast", msg}, :ok} end

  defp in_flight(Agent, :cast, [_, f]) when is_function(f, 1),
    do: fn [_, f] -> {{:"$gen_cast", {:cast, f}}, :ok} end

  defp in_flight(_, _, _), do: nil

  defp local_pid(pid) when is_pid(pid), do: if(node(pid) == node(), do: pid)
  defp local_pid(name) when is_atom(name), do: Process.whereis(name)
  defp local_pid({name, n}) when is_atom(name) and n == node(), do: Process.whereis(name)
  defp local_pid(_), do: nil

  # The receiver traps exits and is linked to the sender: the runtime puts the sender's messages
  # before the :EXIT it would get, so this message is not held back.
  defp exit_ordered?(pid) do
    with {:links, links} <- Process.info(self(), :links),
         true <- pid in links,
         {:trap_exit, trap} <- Process.info(pid, :trap_exit) do
      trap
    else
      _ -> false
    end
  end

  # An operation that reaches its target at once (an exit signal, a link, a supervisor or Agent
  # request): what the caller sent the target before arrives first.
  # Registry.send reaches whoever holds the key at once.
  defp empty_towards(Registry, :send, [{reg, key} | _]) do
    pids = try(do: for({pid, _} <- Registry.lookup(reg, key), do: pid), rescue: (_ -> []))
    empty(Enum.map(pids, &{:pair, self(), &1}))
  end

  # An exit signal may end the target: every message it sent is delivered first, so that no
  # :DOWN or :EXIT (of a monitor OTP set, such as Task's) can overtake one.
  defp empty_towards(mod, :exit, [dest | _]) when mod in [Process, :erlang] do
    case local_pid(dest) do
      nil -> :ok
      pid -> empty([{:pair, self(), pid}, {:from, pid}])
    end
  end

  # (Both ways: what the target sent the caller also comes before the target's end, if this is it.)
  defp empty_towards(mod, _fun, [dest | _]) when mod not in [:ets] do
    case local_pid(dest) do
      nil -> :ok
      pid -> empty([{:pair, self(), pid}, {:pair, pid, self()}])
    end
  end

  defp empty_towards(_, _, _), do: :ok

  # ---- guarded operations that are no choice points but that the model must see

  # Trapping exits from now on: messages from linked processes then come before their :EXIT.
  def direct(Process, :flag, [:trap_exit, true] = args, at) do
    empty([{:into_linked, self()}])
    Guard.call(Process, :flag, args, at)
  end

  # A task's reply is sent by Task's own code, at once: what the task sent before goes first.
  def direct(mod, fun, args, at)
      when {mod, fun} in [
             {Task, :async},
             {Task.Supervisor, :async},
             {Task.Supervisor, :async_nolink}
           ] do
    args =
      Enum.map(args, fn
        f when is_function(f, 0) -> fn -> try(do: f.(), after: empty([{:from, self()}])) end
        a -> a
      end)

    Guard.call(mod, fun, args, at)
  end

  # spawn_monitor: the child waits at a gate until its (virtual) monitor is set, so that even a
  # child that ends at once gets a :DOWN with its own reason.
  def direct(mod, :spawn_monitor, [f], at) when mod in [Kernel, :erlang] and is_function(f, 0) do
    gated(f, fn g -> Guard.call(mod, :spawn, [g], at) end)
  end

  # :sys requests are system messages to the target: the caller's messages to it come first.
  def direct(:sys, fun, args, at) do
    empty_towards(:sys, fun, args)
    Guard.call(:sys, fun, args, at)
  end

  # spawn_monitor and Process.spawn(..., [:monitor]) with a module, function and arguments.
  def direct(mod, :spawn_monitor, [m, f, a], at)
      when mod in [Kernel, :erlang] and is_atom(m) and is_list(a) do
    Guard.mfa(m, f, a)
    direct(mod, :spawn_monitor, [fn -> apply(m, f, a) end], at)
  end

  def direct(Process, :spawn, [f, opts], at) when is_function(f, 0) and is_list(opts) do
    if :monitor in opts do
      gated(f, fn g -> Guard.call(Process, :spawn, [g, opts -- [:monitor]], at) end)
    else
      Guard.call(Process, :spawn, [f, opts], at)
    end
  end

  def direct(Process, :spawn, [m, f, a, opts], at)
      when is_atom(m) and is_list(a) and is_list(opts) do
    Guard.mfa(m, f, a)
    direct(Process, :spawn, [fn -> apply(m, f, a) end, opts], at)
  end

  def direct(mod, fun, args, at), do: Guard.call(mod, fun, args, at)

  # Spawns f behind a gate, sets the virtual monitor, then opens the gate.
  defp gated(f, spawn) do
    gate = make_ref()
    pid = spawn.(fn -> receive(do: ({:"$otpforge_gate", ^gate} -> f.())) end)
    ref = monitor(pid)
    send(pid, {:"$otpforge_gate", gate})
    {pid, ref}
  end

  @doc "Before a callback's end that OTP answers at once (init/1's ack to the starter, terminate/2 before stop returns): the process's messages go first."
  def leaving, do: empty([{:from, self()}])

  defp empty(what) do
    token = make_ref()
    send(Rt.scheduler(), {:explore_empty, self(), token, what})
    receive do: ({:explore_emptied, ^token} -> :ok)
  end

  # ---- GenServer.call and Agent requests: the request and its reply both travel as messages

  def call(pid, msg, timeout, exit_with) do
    tag = make_ref()
    tref = if timeout == :infinity, do: nil, else: Rt.after_start(max(timeout, 1))
    send(Rt.scheduler(), {:explore_call, self(), pid, tag, msg})

    receive do
      {^tag, reply} ->
        forget(tag)
        Rt.after_cancel(tref)
        reply

      {:DOWN, ^tag, _, _, reason} ->
        Rt.after_cancel(tref)
        exit_with.(reason)

      {:"$otpforge_after", ^tref} ->
        # A reply after the timeout is dropped, as an alias drops it on OTP 24+.
        forget(tag)
        exit_with.(:timeout)
    end
  end

  defp forget(tag), do: send(Rt.scheduler(), {:explore_forget, tag})

  # ---- monitors

  def monitor(target) do
    {pid, object} =
      case target do
        pid when is_pid(pid) -> {pid, pid}
        name when is_atom(name) -> {Process.whereis(name), {name, node()}}
        {name, n} when is_atom(name) and n == node() -> {Process.whereis(name), target}
        _ -> {nil, nil}
      end

    cond do
      object == nil ->
        Process.monitor(target)

      # Watching a process of the runtime: nothing the job sends is involved. (A process that has
      # ended has no group leader left: watched virtually, its :noproc :DOWN waits behind its messages.)
      pid != nil and Process.alive?(pid) and
          Process.info(pid, :group_leader) != {:group_leader, Process.group_leader()} ->
        Process.monitor(target)

      true ->
        # Set before anything else happens: the scheduler answers once it watches the process.
        ref = make_ref()
        Process.put({:otpforge_monitor, ref}, true)
        send(Rt.scheduler(), {:explore_monitor, self(), pid, object, ref})
        receive do: ({:explore_monitoring, ^ref} -> ref)
    end
  end

  def demonitor(ref, opts) do
    if Process.delete({:otpforge_monitor, ref}) do
      send(Rt.scheduler(), {:explore_demonitor, ref})

      if :flush in opts do
        receive do
          {:DOWN, ^ref, _, _, _} -> :ok
        after
          0 -> :ok
        end
      end

      true
    else
      Process.demonitor(ref, opts)
    end
  end
end
