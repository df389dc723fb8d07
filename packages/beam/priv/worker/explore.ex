defmodule OtpForge.Explore do
  @moduledoc false
  # The explorer's scheduler. It runs `Scenario.run/0` (code rewritten by
  # OtpForge.Explore.Rewrite) once per schedule. In each run, processes park
  # at choice points; when every process of the run is blocked (the
  # quiescence test) the scheduler lets exactly one parked process go on,
  # the choice taken from the schedule. With none parked, the earliest
  # virtual timer fires; with no timer either, the run is over: the root's
  # value is the outcome, or, if the root has not returned, a deadlock.
  # Schedules are enumerated depth first over the choice sequences
  # (single-node model: a message arrives the moment it is sent, so the
  # choices are which waiting process takes its next step).

  alias OtpForge.Explore.Rt
  alias OtpForge.Explore.Channels

  @default_max_schedules 2_000
  @default_max_steps 500

  def run(opts) do
    scenario = Module.concat([opts["module"] || "Scenario"])

    unless function_exported?(scenario, :run, 0) do
      raise ArgumentError,
            "the scenario defines no #{inspect(scenario)}.run/0 (see the scenario harness convention)"
    end

    model =
      case opts["model"] || "single-node" do
        "single-node" ->
          :single_node

        "distributed" ->
          :distributed

        other ->
          raise ArgumentError,
                "unknown delivery model #{inspect(other)}: use \"single-node\" or \"distributed\""
      end

    max_schedules = opts["maxSchedules"] || @default_max_schedules
    max_steps = opts["maxSteps"] || @default_max_steps
    reduce = opts["reduction"] != "none"
    job_gl = Process.group_leader()
    parent = self()
    ref = make_ref()

    # The scheduler is a fresh process of our own, outside the job's group: to the sandbox's
    # guards it belongs to the runtime, so the scenario can neither message it (forged parks,
    # timers, results) nor look into it, and nothing the job did before is in its mailbox. It runs
    # no job code: outcomes are put into words by each schedule's root, a process of the job.
    {pid, mref} =
      spawn_monitor(fn ->
        Process.group_leader(self(), Process.whereis(:user) || Process.whereis(:init))
        Process.put(:otpforge_job_gl, job_gl)
        # Before any scheduler is set, so that the code runs as written on the real scheduler.
        one_run =
          if is_integer(opts["oneRun"]), do: uncontrolled(scenario, job_gl, opts["oneRun"])

        Rt.set_scheduler(self(), model)
        Process.put(:otpforge_router, if(model == :distributed, do: Channels.start_router()))
        started = System.monotonic_time(:microsecond)

        result =
          case opts["replay"] do
            choices when is_list(choices) ->
              run = schedule(scenario, {:indexes, choices}, max_steps, false)
              %{"replayed" => true} |> Map.merge(report_run(run))

            _ ->
              dfs(scenario, max_schedules, max_steps, reduce)
          end
          |> Map.put("model", model_name(model))
          |> then(fn r -> if one_run, do: Map.put(r, "oneRun", one_run), else: r end)

        send(
          parent,
          {ref,
           Map.put(result, "elapsedMs", (System.monotonic_time(:microsecond) - started) / 1000)}
        )
      end)

    try do
      receive do
        {^ref, result} ->
          Process.demonitor(mref, [:flush])
          result

        {:DOWN, ^mref, :process, ^pid, reason} ->
          raise RuntimeError,
                "the explorer stopped: " <> inspect(reason, limit: 20, structs: false)
      end
    after
      Rt.clear_scheduler()
    end
  end

  # ---- depth-first search over choice sequences, with sleep sets
  #
  # Each run follows a plan (the choices of the path so far), then takes the
  # first enabled step not in its sleep set. A node's sleep set holds steps
  # already explored from an ancestor that commute with every step taken since
  # (independent?/2): exploring them again would only reorder commuting steps.
  # A run whose enabled steps are all asleep is stopped: its outcomes are
  # reached elsewhere. With reduction "none" the sleep sets stay empty (naive
  # enumeration of every choice sequence).

  defp dfs(scenario, max_schedules, max_steps, reduce) do
    dfs(scenario, [], %{}, %{runs: 0, pruned: 0, steps_cut: 0}, max_schedules, max_steps, reduce)
  end

  defp dfs(scenario, plan, outcomes, n, max, max_steps, reduce) do
    run = schedule(scenario, {:plan, plan}, max_steps, reduce)

    {outcomes, n} =
      if run.asleep do
        {outcomes, %{n | pruned: n.pruned + 1}}
      else
        {Map.update(outcomes, run.outcome, %{count: 1, run: run}, &%{&1 | count: &1.count + 1}),
         %{n | runs: n.runs + 1, steps_cut: n.steps_cut + if(run.cut, do: 1, else: 0)}}
      end

    case backtrack(run.nodes) do
      nil -> finish(outcomes, n, true)
      _next when n.runs + n.pruned >= max -> finish(outcomes, n, false)
      next -> dfs(scenario, next, outcomes, n, max, max_steps, reduce)
    end
  end

  # The deepest node with an enabled step neither explored nor asleep, moved to that step.
  defp backtrack(nodes) do
    nodes
    |> Enum.with_index()
    |> Enum.reverse()
    |> Enum.find_value(fn {node, i} ->
      done = MapSet.put(node.done, node.chosen.key)

      asleep = MapSet.new(node.sleep_entries, & &1.key)

      case Enum.find(
             node.enabled,
             &(not MapSet.member?(done, &1.key) and not MapSet.member?(asleep, &1.key))
           ) do
        nil ->
          nil

        next ->
          Enum.take(nodes, i) ++
            [
              %{
                node
                | done: done,
                  done_died: Map.put(node.done_died, node.chosen.key, node.died),
                  chosen: next,
                  died: nil
              }
            ]
      end
    end)
  end

  # Steps of two processes that commute. Both must have been seen to kill no process (a step that
  # ends a process sends exit signals and :DOWN messages nobody chose); then: sends to two other
  # processes' mailboxes; ETS operations on two tables (or two reads); a callback (which may reply
  # to its caller) and a step touching neither the server nor that caller; an await of a task and
  # a step neither of the task nor to the awaiting process. Everything else (init, exit signals,
  # timers, links, supervisor operations) counts as dependent.
  defp independent?(a, b) do
    a.label != b.label and a[:died] == false and b[:died] == false and
      if(Rt.distributed?(), do: commute_in_flight?(a, b), else: commute?(a, b))
  end

  # Between nodes a send only puts a message on its sender's channel, and a callback's reply goes
  # the same way: sends, callbacks and deliveries of two processes (deliveries are their
  # receiver's steps) commute. A step that did something the runtime orders at once (it emptied
  # channels first: a link, an exit signal, a send to a trapping linked process) was marked as
  # one that commutes with nothing, as a step that ended a watched process is.
  defp commute_in_flight?(%{kind: ka}, %{kind: kb})
       when ka in [:msg, :handle, :deliver] and kb in [:msg, :handle, :deliver],
       do: true

  defp commute_in_flight?(a, b), do: commute?(a, b)

  # Deliveries (distributed model) to two receivers; a delivery to r and a step touching r nowhere.
  defp commute?(%{kind: :deliver}, %{kind: :deliver}), do: true
  defp commute?(%{kind: :deliver} = a, b), do: untouched?(b, [a.label])
  defp commute?(a, %{kind: :deliver} = b), do: untouched?(a, [b.label])

  defp commute?(%{kind: :msg} = a, %{kind: :msg} = b),
    do: a.target != b.target and a.target != b.label and b.target != a.label

  defp commute?(%{kind: :ets} = a, %{kind: :ets} = b),
    do: a.table != b.table or (a.read and b.read)

  defp commute?(%{kind: :ets} = a, %{kind: :msg} = b), do: b.target != a.label
  defp commute?(%{kind: :msg} = a, %{kind: :ets} = b), do: a.target != b.label
  # A callback of server x may reply to its caller c: the other step touches neither.
  defp commute?(%{kind: :handle} = a, b), do: untouched?(b, [a.label, a.target])

  # An await by p of task t: p takes t's reply; the other step is not t's and sends nothing to p or t.
  defp commute?(%{kind: :await} = a, b), do: untouched?(b, [a.label, a.target])

  defp commute?(%{kind: k} = a, %{kind: bk} = b)
       when k in [:msg, :ets] and bk in [:handle, :await],
       do: commute?(b, a)

  defp commute?(_, _), do: false

  # A message, ETS, callback or await step whose process and target are none of `labels`.
  defp untouched?(step, labels) do
    labels = Enum.reject(labels, &is_nil/1)

    step.kind in [:msg, :ets, :handle, :await, :deliver] and step.label not in labels and
      (step.target == nil or step.target not in labels)
  end

  defp child_sleep(parent, reduce) do
    if reduce do
      chosen = Map.put(parent.chosen, :died, parent.died)

      done =
        for e <- parent.enabled,
            Map.has_key?(parent.done_died, e.key),
            do: Map.put(e, :died, parent.done_died[e.key])

      MapSet.union(parent.sleep_entries, MapSet.new(done))
      |> Enum.filter(&(&1.key != chosen.key and independent?(&1, chosen)))
      |> MapSet.new()
    else
      MapSet.new()
    end
  end

  defp model_name(:single_node), do: "single-node"
  defp model_name(:distributed), do: "distributed"

  defp finish(outcomes, n, exhausted) do
    complete = exhausted and n.steps_cut == 0

    %{
      "complete" => complete,
      "schedules" => n.runs,
      "pruned" => n.pruned,
      "cut" => %{"schedulesLimit" => not exhausted, "stepsLimit" => n.steps_cut},
      "outcomes" =>
        outcomes
        |> Enum.sort_by(fn {text, _} -> text end)
        |> Enum.map(fn {_text, %{count: c, run: run}} ->
          Map.put(report_run(run), "schedules", c)
        end)
    }
  end

  defp report_run(run) do
    %{
      "outcome" => run.outcome,
      "witness" => Enum.map(run.nodes, & &1.index),
      "steps" => Enum.map(run.nodes, & &1.chosen.text)
    }
    |> then(fn r -> if run.deadlock, do: Map.put(r, "blocked", run.deadlock), else: r end)
    |> then(fn r -> if run.cut, do: Map.put(r, "cut", true), else: r end)
  end

  # ---- one uncontrolled run (opts "oneRun": its time limit, ms)
  #
  # What a user who runs the scenario once would see: Scenario.run/0 on the real scheduler, its
  # value put into words as an outcome is, "timeout" when it has not returned in time (it may be
  # stuck). Its processes, persistent terms and tables go before the first schedule starts.

  defp uncontrolled(scenario, job_gl, ms) do
    before = MapSet.new(Process.list())
    pterms = job_pterms()
    tables = job_tables(before, job_gl)

    root = start_root(scenario, job_gl, :explore_one_run)

    outcome =
      receive do
        {:explore_one_run, ^root, {:value, text}} -> text
        {:explore_one_run, ^root, {:crash, text}} -> "** " <> text
      after
        ms -> "timeout"
      end

    # Its supervisors are live: a child killed first may be restarted before they go, so the run's
    # processes are suspended, then killed, until none is left.
    clear_run(%{before: before, job_gl: job_gl}, 10)
    restore_pterms(pterms)
    restore_tables(tables)
    outcome
  end

  defp clear_run(st, tries) do
    procs = run_processes(st)
    # (One may have ended since it was listed: suspending it then fails, and it needs nothing.)
    Enum.each(procs, fn p -> try(do: :erlang.suspend_process(p), catch: (_, _ -> :ok)) end)
    cleanup(st)
    if procs != [] and tries > 0, do: clear_run(st, tries - 1), else: :ok
  end

  # A process of the job that runs Scenario.run/0 and sends its value, put into words, to the
  # caller as {tag, root, {:value, text} | {:crash, banner}}, then waits to be killed. It joins the
  # job's group before it runs anything: until then the quiescence test would not see it, and a
  # run with no process seen is over. (The value is put into words in the job's process: a
  # struct's Inspect is job code.)
  defp start_root(scenario, job_gl, tag) do
    me = self()

    root =
      spawn(fn ->
        receive do: (:otpforge_start -> :ok)

        value =
          try do
            {:value,
             inspect(scenario.run(), limit: 1000, printable_limit: 4096, width: :infinity)}
          catch
            kind, reason ->
              {:crash,
               Exception.format_banner(kind, reason, __STACKTRACE__) |> String.split("\n") |> hd()}
          end

        send(me, {tag, self(), value})
        receive do: (:otpforge_never -> :ok)
      end)

    Process.group_leader(root, job_gl)
    send(root, :otpforge_start)
    root
  end

  # ---- one schedule

  defp schedule(scenario, plan, max_steps, reduce) do
    before = MapSet.new(Process.list())

    job_gl = Process.get(:otpforge_job_gl)

    pterms = job_pterms()
    tables = job_tables(before, job_gl)

    root = start_root(scenario, job_gl, :explore_result)

    st =
      %{
        root: root,
        job_gl: job_gl,
        before: before,
        plan: plan,
        reduce: reduce,
        nodes: [],
        parked: %{},
        timers: [],
        clock: 0,
        seq: 0,
        labels: %{root => "main"},
        result: nil,
        max_steps: max_steps
      }
      |> Map.merge(Channels.fresh(Process.get(:otpforge_router)))

    st = loop(st)
    Channels.cleanup(st)
    cleanup(st)
    restore_pterms(pterms)
    restore_tables(tables)

    outcome =
      case st.result do
        {:value, text} -> text
        {:crash, text} -> "** " <> text
        nil -> if st[:deadlock], do: "deadlock", else: "cut"
      end

    %{
      outcome: outcome,
      nodes: Enum.reverse(st.nodes),
      deadlock: st[:deadlock],
      cut: st[:cut] == true,
      asleep: st[:asleep] == true
    }
  end

  defp loop(st) do
    st = drain(st)

    cond do
      st.result != nil or st[:asleep] ->
        st

      length(st.nodes) >= st.max_steps ->
        Map.put(st, :cut, true)

      true ->
        st = settle(st) |> Channels.deaths()

        cond do
          st.result != nil ->
            st

          map_size(st.parked) > 0 or st.chans != %{} ->
            case choose(st) do
              {:asleep, st} -> Map.put(st, :asleep, true)
              st -> loop(st)
            end

          st.timers != [] ->
            case at_once(st) do
              [] ->
                loop(fire(st, 1))

              choices ->
                case choose(Map.put(st, :due, choices)) do
                  {:asleep, st} -> Map.put(st, :asleep, true)
                  st -> loop(Map.put(st, :due, []))
                end
            end

          true ->
            Map.put(st, :deadlock, blocked(st))
        end
    end
  end

  # Waits until every process of the run is blocked, taking the messages processes send meanwhile.
  defp settle(%{result: r} = st) when r != nil, do: st

  # (Quiet means nothing left in the scheduler's mailbox either: an answer it sends to a request
  # there, such as Channels.empty's, wakes the process up without changing the state.)
  defp settle(st) do
    st = watch(st)

    if quiescent?(st) do
      receive do
        msg -> settle(drain(take(st, msg)))
      after
        0 -> st
      end
    else
      settle(drain(st))
    end
  end

  # Every process waiting, in two snapshots taken one after the other that agree: a process
  # woken between two of the first snapshot's looks is seen running (or changed) in the second.
  defp quiescent?(st) do
    a = snapshot(st)

    Enum.all?(a, fn {_, info} -> blocked_info?(info) end) and not exiting?(st) and not dying?(st) and
      (
        :erlang.yield()
        a == snapshot(st)
      )
  end

  # Every process of the run is monitored from the moment the scheduler sees it. A process that
  # is no longer alive but whose :DOWN has not come yet may still be sending its exit signals
  # (the runtime sends them, with the :DOWN, as it cleans the process up), and a process that
  # got one reads as waiting until it handles it: the run is not quiet until every dead
  # process's :DOWN is in. (exiting?/1 sees most of that window; under load it can miss the
  # end of it, and then which steps are enabled next would depend on how busy the machine is.)
  defp watch(st) do
    watched = Map.get(st, :watched, %{})

    new =
      for p <- run_processes(st),
          not is_map_key(watched, p),
          into: %{},
          do: {p, Process.monitor(p)}

    Map.put(st, :watched, Map.merge(watched, new))
  end

  defp dying?(st) do
    downs = Map.get(st, :downs, MapSet.new())

    Enum.any?(Map.get(st, :watched, %{}), fn {p, _} ->
      not MapSet.member?(downs, p) and not Process.alive?(p)
    end)
  end

  # A process of the run that is exiting (killed, or at its end) has still to send its exit
  # signals and free its name: a supervisor has not yet heard of it. Until it is gone the run is
  # not quiet, or what happens next would depend on how busy the machine is. erlang:processes/0
  # still lists it; it answers no Process.info.
  defp exiting?(st) do
    Enum.any?(Process.list(), fn p ->
      p != self() and not MapSet.member?(st.before, p) and Process.info(p, :status) == nil
    end)
  end

  # (Not reductions: asking a process for its info costs it reductions, so they move under observation.)
  defp snapshot(st) do
    for p <- run_processes(st) ++ List.wrap(Channels.router_pid(st)),
        info = Process.info(p, [:status, :message_queue_len, :current_function]),
        info != nil,
        do: {p, info}
  end

  # Waiting for a message, and not for an answer from outside the run (IO, code loading).
  defp blocked_info?(info) do
    info[:status] == :waiting and
      case info[:current_function] do
        {m, _, _} when m in [:io, :code, :code_server, :error_handler] -> false
        _ -> true
      end
  end

  # The schedule's processes: every process started since the schedule began that is in the job's
  # group (a group leader is inherited and the job cannot change it), orphans included.
  defp run_processes(st) do
    for p <- Process.list(),
        p != self(),
        not MapSet.member?(st.before, p),
        job_process?(p, st.job_gl),
        do: p
  end

  defp job_process?(p, job_gl) do
    case Process.info(p, :group_leader) do
      {:group_leader, ^job_gl} -> true
      _ -> false
    end
  end

  # ---- state a schedule may leave behind: the job's persistent terms, and the public ETS tables
  # of the job's processes outside the run (made by module bodies at compile time), are put back
  # as they were. (Tables of the run's processes go with them; others' cannot be written.)

  defp job_tables(before, job_gl) do
    for t <- :ets.all(),
        owner = :ets.info(t, :owner),
        is_pid(owner) and MapSet.member?(before, owner) and job_process?(owner, job_gl),
        :ets.info(t, :protection) == :public,
        do: {t, :ets.tab2list(t)}
  end

  defp restore_tables(tables) do
    for {t, rows} <- tables, :ets.info(t, :size) != :undefined, :ets.tab2list(t) != rows do
      :ets.delete_all_objects(t)
      :ets.insert(t, rows)
    end

    :ok
  end

  defp job_pterms do
    baseline? = :ets.whereis(:otpforge_pterm_baseline) != :undefined

    for {k, v} <- :persistent_term.get(),
        not (baseline? and :ets.member(:otpforge_pterm_baseline, k)),
        k not in [:otpforge_explorer, :otpforge_explorer_model],
        into: %{},
        do: {k, v}
  end

  defp restore_pterms(before) do
    now = job_pterms()
    for {k, _} <- now, not Map.has_key?(before, k), do: :persistent_term.erase(k)
    for {k, v} <- before, Map.get(now, k, make_ref()) !== v, do: :persistent_term.put(k, v)
    :ok
  end

  defp drain(st) do
    receive do
      msg -> drain(take(st, msg))
    after
      0 -> st
    end
  end

  defp take(st, msg) do
    case msg do
      {:explore_park, pid, token, what} ->
        %{st | parked: Map.put(st.parked, pid, {token, what})}

      {:explore_timer, ref, ms, dest, msg} ->
        add_timer(st, ref, ms, dest, msg)

      # (A timer due at a virtual instant, not after a delay: Rt.sleep_until/1, for trusted observers.)
      {:explore_timer_at, ref, due, dest, msg} ->
        add_timer(st, ref, max(due - st.clock, 0), dest, msg)

      {:explore_cancel, ref} ->
        %{st | timers: Enum.reject(st.timers, &(&1.ref == ref))}

      {:explore_result, pid, value} when pid == st.root ->
        %{st | result: value}

      # The distributed model's traffic (OtpForge.Explore.Net sends it, Channels keeps it).
      {:explore_send, from, to, wire} ->
        Channels.enqueue(st, from, to, {:send, wire})

      {:explore_call, from, server, tag, msg} ->
        Channels.call(st, from, server, tag, msg)

      {:explore_reply, a, reply} ->
        Channels.reply(st, a, reply)

      {:explore_forget, tag} ->
        Channels.forget(st, tag)

      {:explore_monitor, watcher, pid, object, ref} ->
        Channels.monitor(st, watcher, pid, object, ref)

      {:explore_demonitor, ref} ->
        Channels.demonitor(st, ref)

      {:explore_empty, pid, token, what} ->
        Channels.empty(st, pid, token, what)

      {:DOWN, sref, :process, pid, reason} when is_map_key(st.srefs, sref) ->
        Channels.died(st, sref, pid, reason)

      {:DOWN, ref, :process, pid, _}
      when is_map_key(st.watched, pid) and :erlang.map_get(pid, st.watched) == ref ->
        Map.update(st, :downs, MapSet.new([pid]), &MapSet.put(&1, pid))

      # A :DOWN of a monitor given up, a late message of a finished schedule's process.
      _ ->
        st
    end
  end

  defp add_timer(st, ref, ms, dest, msg) do
    t = %{ref: ref, due: st.clock + ms, seq: st.seq, dest: dest, msg: msg}
    %{st | timers: Enum.sort_by([t | st.timers], &{&1.due, &1.seq}), seq: st.seq + 1}
  end

  # Virtual time moves to the earliest timer; a timer started earlier fires first at the same instant.
  # Fires the first n timers. More than one fire together: the run's processes are held while
  # the messages go out, so that none reacts to one before the others have arrived.
  defp fire(st, n) do
    {now, rest} = Enum.split(st.timers, n)
    held = if n > 1, do: Enum.filter(run_processes(st), &:erlang.suspend_process/1), else: []
    Enum.each(now, &deliver(st, &1.dest, &1.msg))
    Enum.each(held, &:erlang.resume_process/1)
    %{st | timers: rest, clock: max(st.clock, List.last(now).due)}
  end

  # Timers due at one virtual instant. The real BEAM keeps time in whole milliseconds: timers
  # started microseconds apart with one timeout may expire in one tick, before any process sees
  # the first one's message, or in two ticks, with the reactions to the first in between. So
  # when several are due at the earliest instant, how many of them (in the order they were
  # started) fire together is a choice; with one, there is nothing to choose.
  defp at_once(%{timers: [first | _]} = st) do
    due = Enum.take_while(st.timers, &(&1.due == first.due))

    if length(due) < 2 do
      []
    else
      {names, _st} =
        Enum.map_reduce(due, st, fn t, st ->
          timer_label(st, t.dest) |> then(fn {st, l} -> {l, st} end)
        end)

      for n <- 1..length(due) do
        text =
          "at #{first.due} ms, " <>
            if(n == 1,
              do: "the timer for #{hd(names)} fires",
              else: "the timers for #{Enum.join(Enum.take(names, n), ", ")} fire at once"
            )

        %{
          label: "clock",
          text: text,
          key: "clock | " <> text,
          kind: :timer,
          target: nil,
          table: nil,
          read: false,
          fire: n
        }
      end
    end
  end

  defp timer_label(st, pid) when is_pid(pid), do: label(st, pid)
  defp timer_label(st, name), do: {st, show(name)}

  # A name is resolved at delivery, as for erlang:send_after: nobody holding it, the message is
  # dropped. Only a process of the job gets it: the scheduler sends on the job's behalf.
  defp deliver(st, dest, msg) when is_atom(dest), do: deliver(st, Process.whereis(dest), msg)

  defp deliver(st, dest, msg) when is_pid(dest),
    do: if(job_process?(dest, st.job_gl), do: send(dest, msg))

  defp deliver(_st, _, _), do: :ok

  defp choose(st) do
    {st, enabled} =
      Enum.reduce(st.parked, {st, []}, fn {pid, {token, what}}, {st, acc} ->
        {st, label} = label(st, pid)
        {st, entry} = entry(st, label, what)
        {st, [Map.merge(entry, %{pid: pid, token: token}) | acc]}
      end)

    {st, deliveries} = Channels.entries(st)
    enabled = Enum.sort_by(enabled ++ deliveries ++ Map.get(st, :due, []), &{&1.label, &1.key})
    depth = length(st.nodes)
    st = observe_previous_step(st)

    {pick, sleep_entries} =
      case st.plan do
        {:indexes, indexes} ->
          i = Enum.at(indexes, depth, 0)
          {Enum.at(enabled, i) || hd(enabled), MapSet.new()}

        {:plan, plan} ->
          case Enum.at(plan, depth) do
            %{chosen: %{key: key}, sleep_entries: sleep} ->
              {Enum.find(enabled, &(&1.key == key)) || hd(enabled), sleep}

            nil ->
              # The node above was recorded in this run (from the plan while the run follows it).
              sleep = if depth == 0, do: MapSet.new(), else: child_sleep(hd(st.nodes), st.reduce)
              asleep = MapSet.new(sleep, & &1.key)
              {Enum.find(enabled, &(not MapSet.member?(asleep, &1.key))), sleep}
          end
      end

    case pick do
      nil ->
        {:asleep, st}

      pick ->
        # Who is watched is read before the step starts: once released, the process runs at once.
        st = Map.put(st, :watched_at_choice, watched(st))

        st =
          case pick do
            %{chan: chan} ->
              Channels.deliver(st, chan)

            %{fire: n} ->
              fire(st, n)

            _ ->
              send(pick.pid, {:explore_go, pick.token})
              %{st | parked: Map.delete(st.parked, pick.pid), running: pick.pid}
          end

        strip = fn e -> Map.drop(e, [:pid, :token, :chan, :fire]) end
        {done, done_died} = planned(st.plan, depth)

        node = %{
          died: nil,
          done_died: done_died,
          index: Enum.find_index(enabled, &(&1.key == pick.key)),
          count: length(enabled),
          enabled: Enum.map(enabled, strip),
          chosen: strip.(pick),
          sleep_entries: sleep_entries,
          done: done
        }

        %{st | nodes: [node | st.nodes]}
    end
  end

  # Whether the step just taken ended a process someone links to or monitors: its exit signals and
  # :DOWN messages reach processes nobody chose, so such a step commutes with nothing. (A process
  # nobody watches, such as a spawned sender that is done, ends without effect on the others.)
  defp observe_previous_step(%{nodes: [last | rest]} = st) do
    now = MapSet.new(run_processes(st))

    died =
      Enum.any?(Map.get(st, :watched_at_choice, MapSet.new()), &(not MapSet.member?(now, &1)))

    %{st | nodes: [%{last | died: died or st.direct} | rest], direct: false}
  end

  defp observe_previous_step(st), do: st

  defp watched(st) do
    for p <- run_processes(st),
        info = Process.info(p, [:links, :monitored_by]),
        info != nil and (info[:links] != [] or info[:monitored_by] -- [self()] != []),
        into: MapSet.new(),
        do: p
  end

  # A node of the plan keeps what was explored from it; a new node has explored nothing yet.
  defp planned({:plan, plan}, depth) do
    case Enum.at(plan, depth) do
      %{done: done, done_died: dd} -> {done, dd}
      nil -> {MapSet.new(), %{}}
    end
  end

  defp planned(_, _), do: {MapSet.new(), %{}}

  # A choice as the search sees it: who, what (text, also the identity), and what it touches.
  defp entry(st, label, what) do
    {st, text} = describe(st, label, what)
    {st, text} = named_pids(st, text)

    base = %{
      label: label,
      text: text,
      key: label <> " | " <> text,
      kind: :other,
      target: nil,
      table: nil,
      read: false
    }

    case what do
      # (A {:via, ...}, {:global, ...} or {name, node} name is not the label of the process holding it:
      # such a step is taken to touch every process, below.)
      {k, dest, _}
      when k in [:send, :cast, :call, :reply] and (not is_tuple(dest) or elem(dest, 0) == :pid) ->
        {st, target} = target_label(st, dest)
        {st, %{base | kind: :msg, target: target}}

      {:handle, cb, _mod, _msg, from} when cb in [:handle_call, :handle_cast, :handle_info] ->
        {st, caller} = if from, do: target_label(st, from), else: {st, nil}
        {st, %{base | kind: :handle, target: caller}}

      {:await, task} ->
        {st, awaited} = target_label(st, task)
        {st, %{base | kind: :await, target: awaited}}

      {:ets, fun, table, _} ->
        {st,
         %{
           base
           | kind: :ets,
             table: table,
             read:
               fun in [
                 :lookup,
                 :member,
                 :lookup_element,
                 :select,
                 :match,
                 :match_object,
                 :tab2list,
                 :first,
                 :next,
                 :last,
                 :prev,
                 :select_count,
                 :select_reverse,
                 :foldl,
                 :foldr,
                 :slot
               ]
         }}

      _ ->
        {st, base}
    end
  end

  defp target_label(st, {:pid, pid}), do: target_label(st, pid)
  defp target_label(st, pid) when is_pid(pid), do: label(st, pid)
  defp target_label(st, name) when is_atom(name), do: {st, inspect(name)}
  defp target_label(st, other), do: {st, inspect(other, structs: false)}

  # ---- stable names for processes: registered name, else the parent's label and the child's rank

  @doc false
  def label(st, pid) do
    case st.labels do
      %{^pid => l} ->
        {st, l}

      _ ->
        {st, l, derived} =
          case Process.info(pid, [:registered_name, :parent]) do
            [registered_name: name, parent: _] when is_atom(name) and name != [] ->
              {st, inspect(name), false}

            [registered_name: _, parent: parent] when is_pid(parent) ->
              {st, pl} = label(st, parent)

              siblings =
                for p <- run_processes(st), Process.info(p, :parent) == {:parent, parent}, do: p

              rank = Enum.find_index(Enum.sort(siblings), &(&1 == pid)) || length(siblings)
              {st, "#{pl}.#{rank + 1}", true}

            _ ->
              {st, "p?", true}
          end

        # Two processes never share a derived label (a rank among live siblings can repeat once
        # one has ended): a repeat gets the next free suffix, in the order the run met them. A
        # registered name stays the label of whoever holds it (a restarted child is the same name
        # to its callers, and the search treats steps on one name as dependent).
        l = if derived, do: unique_label(st, l), else: l
        {%{st | labels: Map.put(st.labels, pid, l)}, l}
    end
  end

  defp unique_label(st, l) do
    taken = MapSet.new(Map.values(st.labels))

    if MapSet.member?(taken, l),
      do: Enum.find(Stream.map(2..1_000_000, &"#{l}~#{&1}"), &(not MapSet.member?(taken, &1))),
      else: l
  end

  defp describe(st, label, what) do
    {st, text} =
      case what do
        {:send, dest, msg} ->
          with_dest(st, dest, &"#{label} sends #{show(msg)} to #{&1}")

        {:cast, dest, msg} ->
          with_dest(st, dest, &"#{label} casts #{show(msg)} to #{&1}")

        {:call, dest, msg} ->
          with_dest(st, dest, &"#{label} calls #{&1} with #{show(msg)}")

        {:reply, dest, msg} ->
          with_dest(st, dest, &"#{label} replies #{show(msg)} to #{&1}")

        {:exit, dest, reason} ->
          with_dest(st, dest, &"#{label} sends exit #{show(reason)} to #{&1}")

        {:timer, dest, msg, ms} ->
          with_dest(st, dest, &"#{label} starts a #{ms} ms timer for #{show(msg)} to #{&1}")

        {:await, task} ->
          with_dest(st, task, &"#{label} awaits task #{&1}")

        {:poll} ->
          {st, "#{label} looks at its mailbox"}

        {:ending} ->
          {st, "#{label} ends"}

        {:trap_exit, on} ->
          {st, "#{label} sets trap_exit to #{on}"}

        {:handle, :init, mod, _, _} ->
          {st, "#{label} runs #{inspect(mod)}.init"}

        {:handle, :handle_call, _mod, msg, from} ->
          with_dest(st, from, &"#{label} handles call #{show(msg)} from #{&1}")

        {:handle, :handle_cast, _mod, msg, _} ->
          {st, "#{label} handles cast #{show(msg)}"}

        {:handle, :handle_info, _mod, msg, _} ->
          {st, "#{label} handles #{show(msg)}"}

        {:ets, fun, table, _} ->
          {st, "#{label} does :ets.#{fun} on #{show(table)}"}

        {:op, mod, fun, nil} ->
          {st, "#{label} calls #{inspect(mod)}.#{fun}"}

        {:op, mod, fun, dest} ->
          with_dest(st, dest, &"#{label} calls #{inspect(mod)}.#{fun} on #{&1}")

        other ->
          {st, "#{label} #{show(other)}"}
      end

    {st, text}
  end

  defp with_dest(st, {:pid, pid}, f), do: with_dest(st, pid, f)

  defp with_dest(st, pid, f) when is_pid(pid) do
    {st, l} = label(st, pid)
    {st, f.(l)}
  end

  defp with_dest(st, dest, f), do: {st, f.(show(dest))}

  # A witness line names processes by their labels, never by pid: pids differ from one schedule to
  # the next, and a line is also the identity of its choice. (References, made anew in every
  # schedule too, read as #Reference.)
  @doc false
  def named_pids(st, text) do
    Regex.scan(~r/#PID<\d+\.\d+\.\d+>/, text)
    |> Enum.uniq()
    |> Enum.reduce({st, text}, fn [shown], {st, text} ->
      # Only a pid of the run's processes: the text may be anything the job put in a message.
      pid =
        try(
          do: :erlang.list_to_pid(String.to_charlist(String.trim_leading(shown, "#PID"))),
          rescue: (_ -> nil)
        )

      if is_pid(pid) and (Map.has_key?(st.labels, pid) or job_process?(pid, st.job_gl)) do
        {st, l} = label(st, pid)
        {st, String.replace(text, shown, l)}
      else
        {st, text}
      end
    end)
    |> then(fn {st, text} -> {st, Regex.replace(~r/#Reference<[\d.]+>/, text, "#Reference")} end)
  end

  # structs: false: a struct's own Inspect is job code, and the scheduler runs none.
  def show(term),
    do: inspect(term, limit: 20, printable_limit: 200, width: :infinity, structs: false)

  defp blocked(st) do
    for p <- run_processes(st),
        info = Process.info(p, [:current_function, :registered_name]),
        info != nil do
      {_st, l} = label(st, p)
      {m, f, a} = info[:current_function]
      %{"process" => l, "waitsIn" => "#{inspect(m)}.#{f}/#{a}"}
    end
  end

  defp cleanup(st) do
    procs = run_processes(st)
    refs = for p <- procs, do: {p, Process.monitor(p)}
    Enum.each(procs, &Process.exit(&1, :kill))

    for {_p, ref} <- refs do
      receive do
        {:DOWN, ^ref, _, _, _} -> :ok
      after
        5_000 -> :ok
      end
    end

    flush()
  end

  # Whatever the schedule's processes (and the router) still sent: the scheduler's mailbox holds nothing else.
  defp flush do
    receive do
      _ -> flush()
    after
      0 -> :ok
    end
  end
end
