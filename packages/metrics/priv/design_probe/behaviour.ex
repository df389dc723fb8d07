# Checkers for the behavioural requirement kinds (project code, run in the
# skeleton's sandboxed job): scenarios through the public API, concurrent
# clients, hung and slow processes, normal exits, repeated escalations,
# latency under a blocked client, memory reclaimed after expiry. Each returns
# {:pass, detail} or {:fail, detail}; details carry the scenario's transcript.
defmodule OtpForge.DesignProbe.Behaviour do
  alias OtpForge.DesignProbe.{Tree, Steps}
  import OtpForge.DesignProbe.Observe

  def check(%{kind: kind} = r, top, cfg) when kind in [:scenario, :expiry] do
    with :ok <- setup(r, cfg), {:ok, before} <- snapshot(r.stable, top) do
      sups = Tree.supervisors(top)

      case Steps.run(r.steps, top, cfg) do
        {:fail, detail} ->
          {:fail, detail <> path_note(sups)}

        {:ok, log} ->
          with :ok <- path_kept(sups), :ok <- unchanged(before, top) do
            {:pass, Steps.transcript(log)}
          else
            {:fail, why} -> {:fail, "#{Steps.transcript(log)}; but #{why}"}
          end
      end
    end
  end

  def check(%{kind: :concurrent_calls} = r, top, cfg) do
    with :ok <- setup(r, cfg) do
      {text, fun} = r.call
      replies = concurrently(r.clients, fun, cfg)
      summary = "#{r.clients} clients called #{text} at once; replies: #{tally(replies)}"

      with :ok <- replies_ok(replies, r.replies),
           :ok <- pids_ok(replies, r.ok_pids),
           :ok <- running_ok(r.running, top, cfg),
           {:ok, log} <- Steps.run(r.then, top, cfg) do
        {:pass, summary <> if(log == [], do: "", else: "; then " <> Steps.transcript(log))}
      else
        {:fail, why} -> {:fail, "#{summary}; #{why}"}
      end
    end
  end

  def check(%{kind: kind} = r, top, cfg) when kind in [:hang, :slow_dependency] do
    with :ok <- setup(r, cfg),
         {:ok, target} <- Tree.resolve(r.target, top),
         {:ok, before} <- snapshot(r.survivors, top),
         :ok <- suspend(target, r.target, cfg) do
      what = Tree.describe_ref(r.target)
      during = Steps.run(r.during, top, cfg)
      # Hold the target past the callers' timeouts (the default is 5 s);
      # a survivor that dies meanwhile is reported at once.
      wait_until(r.hold_ms, fn -> unchanged(before, top) != :ok end)

      held =
        case unchanged(before, top) do
          :ok -> :ok
          {:fail, why} -> {:fail, "while #{what} was suspended: #{why}"}
        end

      if kind == :slow_dependency, do: resume(target)
      state = if kind == :hang, do: "still suspended", else: "resumed"

      with {:ok, log1} <- prefix(during, "while #{what} was suspended"),
           :ok <- held,
           {:ok, log2} <-
             prefix(Steps.run(r.after, top, cfg), "after #{r.hold_ms} ms with #{what} #{state}"),
           :ok <- unchanged(before, top) do
        {:pass,
         "suspended #{what} for #{r.hold_ms} ms; #{kept_text(r.survivors)}; " <>
           Steps.transcript(log1 ++ log2)}
      end
    end
  end

  def check(%{kind: :normal_exit} = r, top, cfg) do
    with :ok <- setup(r, cfg),
         {:ok, pid} <- Tree.resolve(r.proc, top),
         {:ok, before} <- snapshot(r.survivors, top) do
      sups = Tree.supervisors(top)
      what = Tree.describe_ref(r.proc)

      stopped =
        try do
          GenServer.stop(pid, :normal, cfg.call_timeout_ms)
          :ok
        catch
          :exit, reason ->
            {:fail,
             "#{what} could not be stopped normally (GenServer.stop/3 exited with #{Tree.short(reason)})"}
        end

      back =
        cond do
          r.restarted ->
            case restarted(r.proc, pid, top, cfg) do
              {:ok, _} -> :ok
              {:error, why} -> {:fail, "#{what} exited normally and was not replaced: #{why}"}
            end

          true ->
            gone(r.proc, top, cfg, :ok, "#{what} exited normally but was started again")
        end

      with :ok <- stopped,
           :ok <- back,
           :ok <- unchanged(before, top),
           :ok <- path_kept(sups),
           {:ok, log} <- Steps.run(r.then, top, cfg) do
        {:pass,
         "#{what} exited normally and #{if r.restarted, do: "was replaced", else: "stayed down"}; #{kept_text(r.survivors)}" <>
           then_text(log)}
      end
    end
  end

  def check(%{kind: :repeated_escalation} = r, top, cfg) do
    with :ok <- setup(r, cfg),
         {:ok, parent} <- Tree.resolve_sup(r.parent, top),
         {:ok, before} <- snapshot(r.unaffected, top) do
      pmon = Process.monitor(parent)
      result = rounds(r, 1, r.rounds, top, cfg, pmon)
      Process.demonitor(pmon, [:flush])

      parent_kept =
        if Tree.resolve_sup(r.parent, top) == {:ok, parent},
          do: :ok,
          else:
            {:fail, "#{Tree.describe_ref(r.parent)} did not keep its pid through the escalations"}

      with :ok <- result, :ok <- parent_kept, :ok <- unchanged(before, top) do
        {:pass,
         "#{Tree.describe_ref(r.sup)} gave up and came back #{r.rounds} times in a row; #{Tree.describe_ref(r.parent)} kept its pid; #{kept_text(r.unaffected)}"}
      end
    end
  end

  def check(%{kind: :recovers_after_escalation} = r, top, cfg) do
    with :ok <- setup(r, cfg), :ok <- escalate_once(r, top, cfg, "") do
      what = Tree.describe_ref(r.sup)

      with :ok <- all_running(r.running, top, cfg), {:ok, log} <- Steps.run(r.then, top, cfg) do
        {:pass,
         "#{what} gave up after #{r.crashes} crashes of #{Tree.describe_ref(r.kill)} and came back with #{survivor_text(r.running)} running" <>
           then_text(log)}
      else
        {:fail, why} ->
          {:fail,
           "#{what} gave up after #{r.crashes} crashes of #{Tree.describe_ref(r.kill)}; then #{why}"}
      end
    end
  end

  def check(%{kind: :latency} = r, _top, cfg) do
    with :ok <- setup(r, cfg) do
      {btext, bfun} = r.blocker
      {ptext, _} = r.probe
      blocker = spawn(fn -> catch_all(bfun) end)
      # Give the blocker a head start, so it is in flight when the probe calls.
      Process.sleep(100)
      t0 = :erlang.monotonic_time(:millisecond)
      reply = call(r.probe, cfg)
      took = :erlang.monotonic_time(:millisecond) - t0
      Process.exit(blocker, :kill)

      case {reply, r.expect} do
        {{:error, why}, _} ->
          {:fail, "while #{btext} was in flight, #{why}"}

        {{:ok, v}, {shown, match}} when not is_nil(match) ->
          if not match.(v),
            do:
              {:fail,
               "while #{btext} was in flight, #{ptext} returned #{Tree.short(v)}, expected #{shown}"},
            else: within(took, r.within_ms, btext, ptext, v)

        {{:ok, v}, _} ->
          within(took, r.within_ms, btext, ptext, v)
      end
    end
  end

  def check(%{kind: :reclaims} = r, top, cfg) do
    with :ok <- setup(r, cfg) do
      {text, fun} = r.fill
      baseline = memory(top)

      with :ok <- fill(fun, text, r.count, cfg) do
        peak = memory(top)
        grew = peak - baseline
        near = baseline + max(div(grew, 5), 16_384)

        filled =
          "#{r.count} calls of #{text} grew the tree's memory from #{kb(baseline)} to #{kb(peak)}"

        cond do
          grew < 16_384 ->
            {:fail,
             "#{filled}: too little to tell what it keeps (is the data held outside the supervised processes?)"}

          wait_until(r.within_ms, fn -> memory(top) <= near end) ->
            {:pass, "#{filled}; it was back to #{kb(memory(top))} within #{r.within_ms} ms"}

          true ->
            {:fail,
             "#{filled}; #{r.within_ms} ms later it still held #{kb(memory(top))} (expected at most #{kb(near)}): expired data is never removed"}
        end
      end
    end
  end

  # ---- helpers --------------------------------------------------------------

  # N client processes, released together, each making call number i.
  defp concurrently(n, fun, cfg) do
    parent = self()
    ref = make_ref()

    clients =
      for i <- 1..n do
        spawn(fn ->
          receive do
            {^ref, :go} -> send(parent, {ref, i, catch_all(fn -> fun.(i) end)})
          end
        end)
      end

    Enum.each(clients, &send(&1, {ref, :go}))
    deadline = :erlang.monotonic_time(:millisecond) + cfg.call_timeout_ms
    replies = collect(ref, n, deadline, %{})
    Enum.each(clients, &Process.exit(&1, :kill))

    for i <- 1..n,
        do: Map.get(replies, i, {:error, "did not return within #{cfg.call_timeout_ms} ms"})
  end

  defp collect(_ref, n, _deadline, acc) when map_size(acc) >= n, do: acc

  defp collect(ref, n, deadline, acc) do
    left = max(deadline - :erlang.monotonic_time(:millisecond), 0)

    receive do
      {^ref, i, reply} -> collect(ref, n, deadline, Map.put(acc, i, reply))
    after
      left -> acc
    end
  end

  defp catch_all(fun) do
    try do
      {:ok, fun.()}
    catch
      kind, reason ->
        {:error,
         "#{if kind == :error, do: "raised", else: "exited with"} #{Tree.format_error(kind, reason)}"}
    end
  end

  # "3× :ok, 7× {:error, :rate_limited}": replies grouped, pids shown as #PID.
  defp tally(replies) do
    replies
    |> Enum.map(fn
      {:ok, v} -> Regex.replace(~r/#PID<[0-9.]+>/, Tree.short(v), "#PID")
      {:error, why} -> "error: " <> String.slice(why, 0, 120)
    end)
    |> Enum.frequencies()
    |> Enum.sort_by(fn {_, n} -> -n end)
    |> Enum.map_join(", ", fn {text, n} -> "#{n}× #{text}" end)
  end

  defp replies_ok(replies, wanted) do
    Enum.reduce_while(wanted, :ok, fn w, :ok ->
      {shown, match} = w.pattern
      n = Enum.count(replies, &(match?({:ok, _}, &1) and match.(elem(&1, 1))))

      case bounds(n, w.count, w.min, w.max) do
        :ok -> {:cont, :ok}
        {:fail, want} -> {:halt, {:fail, "expected #{want} replies matching #{shown}, got #{n}"}}
      end
    end)
  end

  defp pids_ok(_replies, nil), do: :ok

  defp pids_ok(replies, w) do
    pids = for {:ok, {:ok, p}} <- replies, is_pid(p), do: p
    n = length(pids)
    distinct = length(Enum.uniq(pids))

    cond do
      match?({:fail, _}, bounds(n, nil, w.min, w.max)) ->
        {:fail, with_want(bounds(n, nil, w.min, w.max), "{:ok, pid} replies", n)}

      w.same and distinct > 1 ->
        {:fail, "expected every {:ok, pid} to name one process, got #{distinct} different pids"}

      w.distinct and distinct < n ->
        {:fail,
         "expected every {:ok, pid} to name its own process, got #{n} replies naming #{distinct} pids"}

      true ->
        :ok
    end
  end

  defp with_want({:fail, want}, what, n), do: "expected #{want} #{what}, got #{n}"

  defp running_ok(nil, _top, _cfg), do: :ok

  defp running_ok(w, top, cfg) do
    with {:ok, sup} <- Tree.resolve_sup(w.sup, top) do
      # Let starts in flight finish (and crashes show) before counting.
      wait_until(cfg.settle_ms, fn -> false end)
      n = length(Tree.workers(sup, w.worker))
      what = if w.worker, do: "#{inspect(w.worker)} workers", else: "workers"

      case bounds(n, nil, w.min, w.max) do
        :ok ->
          :ok

        {:fail, want} ->
          {:fail, "#{Tree.describe_ref(w.sup)} runs #{n} #{what}, expected #{want}"}
      end
    end
  end

  defp bounds(n, count, min, max) do
    cond do
      count != nil and n != count ->
        {:fail, "exactly #{count}"}

      min != nil and max != nil and (n < min or n > max) ->
        {:fail, if(min == max, do: "exactly #{min}", else: "#{min} to #{max}")}

      min != nil and n < min ->
        {:fail, "at least #{min}"}

      max != nil and n > max ->
        {:fail, "at most #{max}"}

      true ->
        :ok
    end
  end

  defp suspend(pid, ref, cfg) do
    try do
      :sys.suspend(pid, cfg.call_timeout_ms)
      Process.put(:otpforge_suspended, [pid | Process.get(:otpforge_suspended, [])])
      :ok
    catch
      :exit, reason ->
        {:fail,
         "#{Tree.describe_ref(ref)} could not be suspended (it does not answer OTP system messages: #{Tree.short(reason)})"}
    end
  end

  def resume(pid) do
    try do
      :sys.resume(pid, 2_000)
    catch
      :exit, _ -> :ok
    end

    Process.put(:otpforge_suspended, List.delete(Process.get(:otpforge_suspended, []), pid))
  end

  defp prefix({:ok, log}, _), do: {:ok, log}
  defp prefix({:fail, why}, where), do: {:fail, "#{where}: #{why}"}

  defp then_text([]), do: ""
  defp then_text(log), do: "; then " <> Steps.transcript(log)

  # Supervisors that changed pid while the check ran (a crash loop, an escalation).
  defp path_kept(sups) do
    changed = for {name, pid} <- sups, not Process.alive?(pid), do: name

    case changed do
      [] ->
        :ok

      _ ->
        {:fail,
         "supervisors on the path were restarted or stopped meanwhile: #{Enum.map_join(changed, ", ", &describe_sup/1)}"}
    end
  end

  defp path_note(sups) do
    case path_kept(sups) do
      :ok -> ""
      {:fail, why} -> " (#{why})"
    end
  end

  defp describe_sup(:top), do: "the top supervisor"
  defp describe_sup(name), do: name

  defp rounds(_r, round, total, _top, _cfg, _pmon) when round > total, do: :ok

  defp rounds(r, round, total, top, cfg, pmon) do
    case escalate_once(r, top, cfg, "round #{round}: ") do
      :ok ->
        cond do
          down?(pmon) ->
            {:fail,
             "after round #{round} of #{r.rounds}, #{Tree.describe_ref(r.parent)} exited: it could not absorb repeated escalations"}

          true ->
            rounds(r, round + 1, total, top, cfg, pmon)
        end

      {:fail, why} ->
        note = if down?(pmon), do: " (#{Tree.describe_ref(r.parent)} has exited)", else: ""
        {:fail, why <> note}
    end
  end

  # Crashes the victim until the supervisor gives up, then waits for the
  # supervisor to be back with a new pid.
  defp escalate_once(r, top, cfg, label) do
    what = Tree.describe_ref(r.sup)

    with {:ok, sup} <- Tree.resolve_sup(r.sup, top) |> failing("#{label}#{what} is not running"),
         {:ok, victim} <-
           Tree.resolve(r.kill, top)
           |> failing("#{label}#{Tree.describe_ref(r.kill)} is not running") do
      mon = Process.monitor(sup)
      crashes = crash_repeatedly(r.kill, victim, r.crashes, mon, top, cfg)

      cond do
        not await_down(mon, cfg.restart_wait_ms) ->
          {:fail,
           "#{label}#{what} survived #{crashes} crashes of #{Tree.describe_ref(r.kill)}; expected it to give up"}

        not wait_until(cfg.restart_wait_ms, fn -> back?(r.sup, sup, top) end) ->
          {:fail,
           "#{label}#{what} gave up and did not come back within #{cfg.restart_wait_ms} ms"}

        true ->
          :ok
      end
    end
  end

  defp failing({:ok, v}, _), do: {:ok, v}
  defp failing({:error, why}, what), do: {:fail, "#{what}: #{why}"}

  defp back?(ref, old, top) do
    case Tree.resolve_sup(ref, top) do
      {:ok, pid} -> pid != old
      _ -> false
    end
  end

  defp all_running(refs, top, cfg) do
    if wait_until(cfg.restart_wait_ms, fn ->
         Enum.all?(refs, &match?({:ok, _}, Tree.resolve(&1, top)))
       end) do
      :ok
    else
      missing = Enum.reject(refs, &match?({:ok, _}, Tree.resolve(&1, top)))
      {:fail, "#{survivor_text(missing)} did not come back"}
    end
  end

  defp within(took, bound, btext, ptext, v) do
    if took <= bound,
      do:
        {:pass,
         "while #{btext} was in flight, #{ptext} returned #{Tree.short(v)} in #{took} ms (bound #{bound} ms)"},
      else:
        {:fail,
         "while #{btext} was in flight, #{ptext} took #{took} ms (bound #{bound} ms): one client's wait holds up the others"}
  end

  defp fill(fun, text, count, cfg) do
    Enum.reduce_while(1..count, :ok, fn i, :ok ->
      case call({text, fn -> fun.(i) end}, cfg) do
        {:ok, _} -> {:cont, :ok}
        {:error, why} -> {:halt, {:fail, "fill call #{i} of #{count} failed: #{why}"}}
      end
    end)
  end

  # Bytes the system holds: its processes after a garbage collection, every
  # ETS table and persistent term (the job's VM runs nothing else that grows).
  def memory(top) do
    procs =
      for {p, _, _} <- [{top, :supervisor, []} | Tree.descendants(top)],
          Process.alive?(p),
          reduce: 0 do
        acc ->
          :erlang.garbage_collect(p)

          case Process.info(p, :memory) do
            {:memory, m} -> acc + m
            _ -> acc
          end
      end

    procs + :erlang.memory(:ets) + Map.get(:persistent_term.info(), :memory, 0)
  end

  defp kb(bytes), do: "#{div(bytes + 512, 1024)} KB"
end
