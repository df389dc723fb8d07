defmodule OtpForge.Explore.Channels do
  @moduledoc false
  # The distributed delivery model, on the scheduler's side (OtpForge.Explore.Net is the
  # processes' side). Messages in flight wait on channels, one per sender and receiver, first in
  # first out; delivering the head of a channel is a choice like a process's step. Calls are
  # requests on the caller's channel to the server; the `from` the server gets holds an alias of
  # the router (a process of the scheduler's), so the reply comes back here and waits on the
  # channel from the replier to the caller. A monitor the job sets is watched by the scheduler:
  # the watched process's end queues its :DOWN behind the messages it sent. Nothing here runs
  # job code.

  alias OtpForge.Explore

  @doc "The fields a schedule's state holds for the model (empty ones for single-node, whose router is nil)."
  def fresh(router) do
    %{
      router: router,
      chans: %{},
      calls: %{},
      aliases: %{},
      monitors: %{},
      srefs: %{},
      deaths: [],
      running: nil,
      direct: false
    }
  end

  # ---- the router: owns the aliases replies are sent to, and passes on only replies to them

  def start_router do
    secret = make_ref()
    sched = self()

    pid =
      spawn(fn ->
        Process.monitor(sched)
        route(sched, secret, MapSet.new())
      end)

    {pid, secret}
  end

  # Aliases reach this process from the job's code (any term can be sent to an alias): only a
  # reply's shape for a live alias goes on, and orders carry a secret the job never sees.
  defp route(sched, secret, known) do
    receive do
      {^secret, :new, token} ->
        a = :erlang.alias()
        send(sched, {token, a})
        route(sched, secret, MapSet.put(known, a))

      {^secret, :drop, a} ->
        :erlang.unalias(a)
        route(sched, secret, MapSet.delete(known, a))

      {^secret, :reset} ->
        Enum.each(known, &:erlang.unalias/1)
        route(sched, secret, MapSet.new())

      {:DOWN, _, :process, ^sched, _} ->
        :ok

      {[:alias | a], reply} ->
        if MapSet.member?(known, a), do: send(sched, {:explore_reply, a, reply})
        route(sched, secret, known)

      _ ->
        route(sched, secret, known)
    end
  end

  defp new_alias(%{router: {pid, secret}}) do
    token = make_ref()
    send(pid, {secret, :new, token})

    receive do
      {^token, a} -> a
    after
      5_000 -> raise "the explorer's router did not answer"
    end
  end

  defp drop_alias(%{router: {pid, secret}}, a), do: send(pid, {secret, :drop, a})

  @doc "The router, for the quiescence test (a reply on its way through it is a step not yet done)."
  def router_pid(%{router: {pid, _}}), do: pid
  def router_pid(_), do: nil

  # ---- what the processes hand over (OtpForge.Explore drains its mailbox into these)

  def enqueue(st, from, to, item) do
    {st, _} = Explore.label(st, from)
    {st, _} = Explore.label(st, to)
    %{st | chans: Map.update(st.chans, {from, to}, [item], &(&1 ++ [item]))}
  end

  def call(st, caller, server, tag, msg) do
    a = new_alias(st)
    sref = Process.monitor(server)

    st = %{
      st
      | calls: Map.put(st.calls, tag, %{alias: a, caller: caller, server: server, sref: sref}),
        aliases: Map.put(st.aliases, a, tag),
        srefs: Map.put(st.srefs, sref, {:call, tag})
    }

    st = enqueue(st, caller, server, {:call, {:"$gen_call", {caller, [:alias | a]}, msg}, msg})
    # A server trapping exits and linked to its caller gets the request before any :EXIT from it.
    if exit_ordered?(caller, server), do: deliver_all({caller, server}, st), else: st
  end

  # The replier is the process that ran last (a reply is sent by the process a step released).
  def reply(st, a, reply) do
    case st.aliases do
      %{^a => tag} ->
        from = st.running || st.calls[tag].server
        to = st.calls[tag].caller
        st = enqueue(st, from, to, {:reply, {tag, reply}, reply})

        # A caller trapping exits and linked to the replier gets the reply before any :EXIT from it.
        if exit_ordered?(from, to), do: deliver_all({from, to}, st), else: st

      _ ->
        st
    end
  end

  # The caller has its answer, or gave up: what is still on its way is dropped, as an alias drops it.
  def forget(st, tag) do
    case st.calls do
      %{^tag => call} ->
        Process.demonitor(call.sref, [:flush])
        drop_alias(st, call.alias)
        st = drop_queued(st, call.caller, &match?({_, {^tag, _}, _}, &1))
        st = drop_queued(st, call.caller, &match?({:down, {:DOWN, ^tag, _, _, _}, _}, &1))

        %{
          st
          | calls: Map.delete(st.calls, tag),
            aliases: Map.delete(st.aliases, call.alias),
            srefs: Map.delete(st.srefs, call.sref),
            deaths: Enum.reject(st.deaths, &(elem(&1, 0) == call.sref))
        }

      _ ->
        st
    end
  end

  def monitor(st, watcher, nil, object, ref) do
    # Nobody holds the name: the runtime answers at once, and no process's messages come before it.
    send(watcher, {:DOWN, ref, :process, object, :noproc})
    send(watcher, {:explore_monitoring, ref})
    st
  end

  def monitor(st, watcher, pid, object, ref) do
    {st, _} = Explore.label(st, pid)
    sref = Process.monitor(pid)
    send(watcher, {:explore_monitoring, ref})

    %{
      st
      | monitors: Map.put(st.monitors, ref, %{watcher: watcher, object: object, sref: sref}),
        srefs: Map.put(st.srefs, sref, {:monitor, ref})
    }
  end

  def demonitor(st, ref) do
    case st.monitors do
      %{^ref => m} ->
        Process.demonitor(m.sref, [:flush])
        st = drop_queued(st, m.watcher, &match?({:down, {:DOWN, ^ref, _, _, _}, _}, &1))

        %{
          st
          | monitors: Map.delete(st.monitors, ref),
            srefs: Map.delete(st.srefs, m.sref),
            deaths: Enum.reject(st.deaths, &(elem(&1, 0) == m.sref))
        }

      _ ->
        st
    end
  end

  def died(st, sref, pid, reason), do: %{st | deaths: st.deaths ++ [{sref, pid, reason}]}

  # Deaths are turned into :DOWN messages only once the run is quiet: by then every reply the
  # dead process sent has come through the router and waits on its channel, ahead of them.
  def deaths(%{deaths: []} = st), do: st

  def deaths(st) do
    Enum.reduce(st.deaths, %{st | deaths: []}, fn {sref, pid, reason}, st ->
      case st.srefs[sref] do
        {:call, tag} ->
          call = st.calls[tag]
          drop_alias(st, call.alias)

          st = %{
            st
            | calls: Map.delete(st.calls, tag),
              aliases: Map.delete(st.aliases, call.alias),
              srefs: Map.delete(st.srefs, sref)
          }

          enqueue(st, pid, call.caller, {:down, {:DOWN, tag, :process, pid, reason}, reason})

        {:monitor, ref} ->
          m = st.monitors[ref]
          st = %{st | monitors: Map.delete(st.monitors, ref), srefs: Map.delete(st.srefs, sref)}
          enqueue(st, pid, m.watcher, {:down, {:DOWN, ref, :process, m.object, reason}, reason})

        nil ->
          st
      end
    end)
  end

  # A process asks for channels to be emptied before it does what the runtime orders at once.
  def empty(st, pid, token, what) do
    chans =
      Enum.flat_map(what, fn
        {:pair, a, b} -> [{a, b}]
        {:from, a} -> for {{^a, _} = c, _} <- st.chans, do: c
        {:into_linked, r} -> for {{a, ^r} = c, _} <- st.chans, a in links(r), do: c
      end)

    st = Enum.reduce(Enum.sort(chans), st, &deliver_all/2)
    send(pid, {:explore_emptied, token})
    # The step that asked reached a process at once: for the search it commutes with nothing.
    %{st | direct: true}
  end

  defp exit_ordered?(from, to),
    do: from in links(to) and Process.info(to, :trap_exit) == {:trap_exit, true}

  defp links(pid) do
    case Process.info(pid, :links) do
      {:links, l} -> l
      nil -> []
    end
  end

  defp deliver_all(chan, st) do
    case st.chans do
      %{^chan => [_ | _]} -> deliver_all(chan, deliver(st, chan))
      _ -> st
    end
  end

  # ---- deliveries as choices

  @doc "One choice per channel with a message for a live receiver (channels to a dead one are dropped: the messages vanish)."
  def entries(st) do
    live = for {{_, to} = c, [_ | _]} <- st.chans, Process.alive?(to), into: %{}, do: {c, true}
    st = %{st | chans: Map.filter(st.chans, fn {c, q} -> q != [] and Map.has_key?(live, c) end)}

    Enum.reduce(st.chans, {st, []}, fn {{from, to} = chan, [item | _]}, {st, acc} ->
      {st, sl} = Explore.label(st, from)
      {st, rl} = Explore.label(st, to)
      {st, text} = Explore.named_pids(st, "#{rl} receives " <> what(item) <> " from #{sl}")

      {st,
       [
         %{
           label: rl,
           text: text,
           key: rl <> " | " <> text,
           kind: :deliver,
           target: sl,
           table: nil,
           read: false,
           chan: chan
         }
         | acc
       ]}
    end)
  end

  defp what({:send, {:"$gen_cast", msg}}), do: "the cast #{Explore.show(msg)}"
  defp what({:send, msg}), do: Explore.show(msg)
  defp what({:call, _, msg}), do: "the call #{Explore.show(msg)}"
  defp what({:reply, _, reply}), do: "the reply #{Explore.show(reply)}"
  defp what({:down, _, reason}), do: "the :DOWN (#{Explore.show(reason)})"

  @doc "Delivers the head of a channel; the receiver is the process that runs next."
  def deliver(st, {_, to} = chan) do
    [item | rest] = st.chans[chan]
    send(to, wire(item))
    chans = if rest == [], do: Map.delete(st.chans, chan), else: Map.put(st.chans, chan, rest)
    %{st | chans: chans, running: to}
  end

  defp wire({:send, w}), do: w
  defp wire({_, w, _}), do: w

  defp drop_queued(st, to, drop?) do
    %{
      st
      | chans:
          Map.new(st.chans, fn {{_, r} = c, q} ->
            if r == to, do: {c, Enum.reject(q, drop?)}, else: {c, q}
          end)
    }
  end

  @doc "The end of a schedule: the scheduler's monitors go, and the router forgets every alias."
  def cleanup(%{router: nil}), do: :ok

  def cleanup(st) do
    for {sref, _} <- st.srefs, do: Process.demonitor(sref, [:flush])
    {pid, secret} = st.router
    send(pid, {secret, :reset})
    :ok
  end
end
