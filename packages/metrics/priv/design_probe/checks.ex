# One checker per requirement kind of a design problem (project code, run in
# the skeleton's sandboxed job). Calls into the skeleton arrive as
# {text, closure} pairs built by the caller with literal module names.
#
# Each check gets a freshly started tree and returns {:pass, detail} or
# {:fail, detail}; the detail says what was observed, so a model (or a person)
# can act on it. The waiting and killing lives in OtpForge.DesignProbe.Observe.
defmodule OtpForge.DesignProbe.Checks do
  alias OtpForge.DesignProbe.Tree
  import OtpForge.DesignProbe.Observe

  def check(%{kind: :strategy} = r, top, _cfg) do
    with {:ok, sup} <- Tree.resolve_sup(r.sup, top), {:ok, info} <- Tree.sup_info(sup) do
      verdict(
        info.strategy == r.expect,
        "strategy of #{Tree.describe_ref(r.sup)} is #{inspect(info.strategy)}, expected #{inspect(r.expect)}"
      )
    end
  end

  def check(%{kind: :intensity} = r, top, _cfg) do
    with {:ok, sup} <- Tree.resolve_sup(r.sup, top), {:ok, info} <- Tree.sup_info(sup) do
      verdict(
        info.max_restarts == r.max_restarts and info.max_seconds == r.max_seconds,
        "#{Tree.describe_ref(r.sup)} allows #{info.max_restarts} restarts in #{info.max_seconds} s, expected #{r.max_restarts} in #{r.max_seconds} s"
      )
    end
  end

  def check(%{kind: :restart_type} = r, top, cfg) do
    with :ok <- setup(r, cfg),
         {:ok, pid} <- Tree.resolve(r.proc, top),
         {:ok, declared} <- Tree.restart_type_of(pid) do
      what = Tree.describe_ref(r.proc)

      if declared != r.expect do
        {:fail, "#{what} is declared #{inspect(declared)}, expected #{inspect(r.expect)}"}
      else
        # The declaration is what OTP acts on; the kill confirms it really does.
        kill(pid)

        case r.expect do
          :temporary ->
            gone(
              r.proc,
              top,
              cfg,
              "#{what} is temporary and was not restarted after a crash",
              "#{what} came back after a crash although it is declared temporary"
            )

          restartable ->
            case restarted(r.proc, pid, top, cfg) do
              {:ok, new_pid} -> after_normal_exit(restartable, r.proc, new_pid, top, cfg, what)
              {:error, why} -> {:fail, "#{what} was not restarted after a crash: #{why}"}
            end
        end
      end
    end
  end

  def check(%{kind: :concurrency_limit} = r, top, cfg) do
    with :ok <- setup(r, cfg), {:ok, sup} <- Tree.resolve_sup(r.sup, top) do
      attempts =
        case r.start do
          nil ->
            []

          {text, fun} ->
            for i <- 1..(r.limit + 2), do: call({"#{text}(#{i})", fn -> fun.(i) end}, cfg)
        end

      refused = Enum.count(attempts, &(not match?({:ok, {:ok, p}} when is_pid(p), &1)))

      wait_until(cfg.settle_ms, fn -> false end)

      # Workers at any depth (a pool may add a Registry child, a job runner may
      # partition its supervisor): the pool's own workers are what the limit is about.
      running = length(Tree.workers(sup, Map.get(r, :worker)))
      what = if Map.get(r, :worker), do: "#{inspect(r.worker)} workers", else: "workers"

      tried =
        if r.start,
          do: " after #{length(attempts)} start requests (#{refused} not started)",
          else: ""

      verdict(
        running == r.limit,
        "#{Tree.describe_ref(r.sup)} runs #{running} #{what}#{tried}, the limit is #{r.limit}"
      )
    end
  end

  def check(%{kind: :registry} = r, top, cfg) do
    with :ok <- setup(r, cfg) do
      {text, fun} = r.ensure
      ensure = fn key -> call({"#{text}(#{inspect(key)})", fn -> fun.(key) end}, cfg) end

      with :ok <- each_ok(r.keys, ensure),
           {:ok, first} <- lookup_all(r.registry, r.keys, top),
           :ok <- each_ok(r.keys, ensure),
           {:ok, second} <- lookup_all(r.registry, r.keys, top),
           :ok <- registry_distinct(first, r.registry),
           :ok <- registry_stable(first, second),
           :ok <- supervised_by(first, r.sup, top) do
        {:pass,
         "one live process per key in #{inspect(r.registry)}, distinct across keys and reused when asked again"}
      end
    end
  end

  def check(%{kind: :crash_isolation} = r, top, cfg) do
    with :ok <- setup(r, cfg),
         {:ok, victim} <- Tree.resolve(r.kill, top),
         {:ok, before} <- snapshot(r.survivors, top) do
      kill(victim)
      what = Tree.describe_ref(r.kill)

      back =
        if r.restarted do
          case restarted(r.kill, victim, top, cfg) do
            {:ok, _} ->
              :ok

            {:error, why} ->
              {:fail, "#{what} was not restarted with a new pid after being killed: #{why}"}
          end
        else
          gone(
            r.kill,
            top,
            cfg,
            :ok,
            "#{what} came back after being killed, but it should not be restarted"
          )
        end

      with :ok <- back, :ok <- unchanged(before, top) do
        {:pass,
         "killed #{what}: #{if r.restarted, do: "it was restarted with a new pid", else: "it stayed down"}; #{kept_text(r.survivors)}"}
      end
    end
  end

  def check(%{kind: :group_restart} = r, top, cfg) do
    with :ok <- setup(r, cfg),
         {:ok, victim} <- Tree.resolve(r.kill, top),
         {:ok, before} <- snapshot(r.group, top) do
      kill(victim)

      missing = not_restarted(before, top, cfg)

      verdict(
        missing == [],
        "killed #{Tree.describe_ref(r.kill)}: #{if missing == [], do: "all of #{survivor_text(r.group)} were restarted together", else: "not restarted: #{survivor_text(Enum.map(missing, &elem(&1, 0)))}"}"
      )
    end
  end

  def check(%{kind: :ordered_restart} = r, top, cfg) do
    with :ok <- setup(r, cfg),
         {:ok, sup} <- Tree.resolve_sup(r.sup, top),
         {:ok, kids} <- Tree.children_in_start_order(sup),
         :ok <- start_order(kids, r.order, r.sup) do
      {before_ids, from_kill} = Enum.split_while(r.order, &(&1 != r.kill))
      ref = fn id -> {:child, r.sup, id} end

      with {:ok, victim} <- Tree.resolve(ref.(r.kill), top),
           {:ok, later} <- snapshot(Enum.map(tl(from_kill), ref), top),
           {:ok, earlier} <- snapshot(Enum.map(before_ids, ref), top) do
        kill(victim)

        not_restarted = not_restarted([{ref.(r.kill), victim} | later], top, cfg)

        cond do
          not_restarted != [] ->
            {:fail,
             "killed #{inspect(r.kill)}: expected it and every child started after it to restart, but these kept running or did not come back: #{survivor_text(Enum.map(not_restarted, &elem(&1, 0)))}"}

          true ->
            with :ok <- unchanged(earlier, top) do
              {:pass,
               "children start in the order #{Enum.map_join(r.order, ", ", &inspect/1)}; killing #{inspect(r.kill)} restarted it and the children after it, the ones before kept their pids"}
            end
        end
      end
    end
  end

  def check(%{kind: :escalation} = r, top, cfg) do
    with :ok <- setup(r, cfg),
         {:ok, sup} <- Tree.resolve_sup(r.sup, top),
         {:ok, victim} <- Tree.resolve(r.kill, top),
         {:ok, before} <- snapshot(r.unaffected, top) do
      mon = Process.monitor(sup)
      crashes = crash_repeatedly(r.kill, victim, r.crashes, mon, top, cfg)
      sup_text = Tree.describe_ref(r.sup)

      result =
        case r.expect do
          :exits ->
            case await_down(mon, cfg.restart_wait_ms) do
              true ->
                :ok

              false ->
                {:fail,
                 "#{sup_text} survived #{crashes} crashes of #{Tree.describe_ref(r.kill)}; expected it to give up and exit"}
            end

          :survives ->
            case await_down(mon, cfg.settle_ms) do
              false ->
                :ok

              true ->
                {:fail,
                 "#{sup_text} exited after #{crashes} crashes of #{Tree.describe_ref(r.kill)}; expected it to keep restarting"}
            end
        end

      Process.demonitor(mon, [:flush])

      with :ok <- result, :ok <- settle_then_unchanged(before, top, cfg) do
        verb = if r.expect == :exits, do: "exited as required", else: "kept running"
        extra = if r.unaffected == [], do: "", else: "; #{kept_text(r.unaffected)}"

        {:pass,
         "after #{crashes} crashes of #{Tree.describe_ref(r.kill)}, #{sup_text} #{verb}#{extra}"}
      end
    end
  end

  @behavioural [
    :expiry,
    :scenario,
    :concurrent_calls,
    :hang,
    :slow_dependency,
    :normal_exit,
    :repeated_escalation,
    :recovers_after_escalation,
    :latency,
    :reclaims
  ]

  def check(%{kind: kind} = r, top, cfg) when kind in @behavioural,
    do: OtpForge.DesignProbe.Behaviour.check(r, top, cfg)

  def check(%{kind: kind}, _top, _cfg), do: {:fail, "unknown requirement kind #{inspect(kind)}"}

  # ---- helpers --------------------------------------------------------------

  defp verdict(true, detail), do: {:pass, detail}
  defp verdict(false, detail), do: {:fail, detail}

  defp after_normal_exit(restart, ref, pid, top, cfg, what) do
    stopped =
      try do
        GenServer.stop(pid, :normal, cfg.call_timeout_ms)
        :ok
      catch
        :exit, reason -> {:error, Tree.short(reason)}
      end

    case {stopped, restart} do
      # A plain process (e.g. a Task) ignores the system message that stops
      # an OTP process normally; the declaration and the crash restart stand.
      {{:error, _why}, _} ->
        {:pass,
         "#{what} is declared #{inspect(restart)} and was restarted after a crash (its normal exit could not be triggered: it does not answer OTP system messages)"}

      {:ok, :permanent} ->
        case restarted(ref, pid, top, cfg) do
          {:ok, _} ->
            {:pass, "#{what} is permanent: restarted after a crash and after a normal exit"}

          {:error, why} ->
            {:fail,
             "#{what} is declared permanent but was not restarted after a normal exit: #{why}"}
        end

      {:ok, :transient} ->
        gone(
          ref,
          top,
          cfg,
          "#{what} is transient: restarted after a crash, not after a normal exit",
          "#{what} is declared transient but was restarted after a normal exit"
        )
    end
  end

  defp each_ok(keys, fun) do
    Enum.reduce_while(keys, :ok, fn key, :ok ->
      case fun.(key) do
        {:ok, _} -> {:cont, :ok}
        {:error, why} -> {:halt, {:error, why}}
      end
    end)
  end

  defp lookup_all(registry, keys, top) do
    Enum.reduce_while(keys, {:ok, []}, fn key, {:ok, acc} ->
      case Tree.resolve({:registry, registry, key}, top) do
        {:ok, pid} ->
          count =
            try do
              length(Registry.lookup(registry, key))
            rescue
              _ -> 0
            end

          if count == 1,
            do: {:cont, {:ok, acc ++ [{key, pid}]}},
            else:
              {:halt,
               {:fail,
                "#{count} processes are registered under #{inspect(key)} in #{inspect(registry)}, expected one"}}

        {:error, why} ->
          {:halt, {:fail, why}}
      end
    end)
  end

  defp registry_distinct(found, registry) do
    pids = Enum.map(found, &elem(&1, 1))

    if length(Enum.uniq(pids)) == length(pids),
      do: :ok,
      else:
        {:fail,
         "different keys in #{inspect(registry)} share one process; each key needs its own"}
  end

  defp registry_stable(first, second) do
    moved = for {{key, a}, {_, b}} <- Enum.zip(first, second), a != b, do: key

    case moved do
      [] ->
        :ok

      _ ->
        {:fail,
         "asking again for #{Enum.map_join(moved, ", ", &inspect/1)} started a new process instead of reusing the registered one"}
    end
  end

  defp supervised_by(_found, nil, _top), do: :ok

  defp supervised_by(found, sup_ref, top) do
    # Descendants, not only children: rooms under a PartitionSupervisor's
    # partitions or a nested supervisor are still supervised by it.
    with {:ok, sup} <- Tree.resolve_sup(sup_ref, top) do
      pids = for {p, _, _} <- Tree.descendants(sup), do: p
      loose = for {key, pid} <- found, pid not in pids, do: key

      case loose do
        [] ->
          :ok

        _ ->
          {:fail,
           "the processes for #{Enum.map_join(loose, ", ", &inspect/1)} are not supervised by #{Tree.describe_ref(sup_ref)}"}
      end
    end
  end

  defp start_order(kids, order, sup_ref) do
    started = Enum.map(kids, &elem(&1, 0))
    positions = Enum.map(order, fn id -> Enum.find_index(started, &(&1 == id)) end)

    cond do
      Enum.any?(positions, &is_nil/1) ->
        {:fail,
         "#{Tree.describe_ref(sup_ref)} is missing children #{order |> Enum.zip(positions) |> Enum.filter(&is_nil(elem(&1, 1))) |> Enum.map_join(", ", &inspect(elem(&1, 0)))}; it has #{Enum.map_join(started, ", ", &inspect/1)}"}

      positions != Enum.sort(positions) ->
        {:fail,
         "#{Tree.describe_ref(sup_ref)} starts its children in the order #{Enum.map_join(started, ", ", &inspect/1)}; dependencies must start first: #{Enum.map_join(order, ", ", &inspect/1)}"}

      true ->
        :ok
    end
  end
end
