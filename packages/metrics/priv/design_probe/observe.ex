# Observing a live tree under fault injection (project code, run in the
# skeleton's sandboxed job): calls into the skeleton with deadlines, kills,
# and waits that poll for a condition with a generous deadline instead of
# sleeping a fixed time, so a loaded machine only makes a check slower.
defmodule OtpForge.DesignProbe.Observe do
  alias OtpForge.DesignProbe.Tree

  def setup(r, cfg) do
    Enum.reduce_while(Map.get(r, :setup, []), :ok, fn {text, _} = step, :ok ->
      case call(step, cfg) do
        {:ok, _} -> {:cont, :ok}
        {:error, why} -> {:halt, {:error, "setup step #{text} failed: #{why}"}}
      end
    end)
  end

  # Calls into the skeleton from a separate process with a deadline: model code
  # may block, and must not be able to stall the whole probe.
  def call({text, fun}, cfg) do
    task =
      Task.async(fn ->
        try do
          {:ok, fun.()}
        catch
          kind, reason ->
            {:error,
             "#{text} #{if kind == :error, do: "raised", else: "exited with"} #{Tree.format_error(kind, reason)}"}
        end
      end)

    case Task.yield(task, cfg.call_timeout_ms) || Task.shutdown(task, :brutal_kill) do
      {:ok, result} -> result
      {:exit, reason} -> {:error, "#{text} exited with #{Tree.short(reason)}"}
      nil -> {:error, "#{text} did not return within #{cfg.call_timeout_ms} ms"}
    end
  end

  def ok_or_inspect({:ok, v}), do: {:ok, v}
  def ok_or_inspect({:error, why}), do: {:ok, why}

  # A worker is killed outright. A supervisor is made to crash the way a real
  # one does (it shuts its children down in order, then exits abnormally, so
  # its parent restarts it): a supervisor killed with :kill orphans its
  # children, whose names and ETS tables are released only as they die, and
  # its restart then races them on any design (already_started).
  def kill(pid) do
    ref = Process.monitor(pid)

    case Tree.sup_info(pid) do
      {:ok, _} ->
        try do
          GenServer.stop(pid, :crashed_by_probe, 5_000)
        catch
          :exit, _ -> Process.exit(pid, :kill)
        end

      _ ->
        Process.exit(pid, :kill)
    end

    receive do
      {:DOWN, ^ref, :process, _, _} -> :ok
    after
      2_000 -> :ok
    end
  end

  def wait_until(ms, fun) do
    deadline = :erlang.monotonic_time(:millisecond) + ms
    poll(deadline, fun)
  end

  def poll(deadline, fun) do
    cond do
      fun.() ->
        true

      :erlang.monotonic_time(:millisecond) >= deadline ->
        false

      true ->
        Process.sleep(10)
        poll(deadline, fun)
    end
  end

  # Waits until the ref resolves to a live pid other than the old one.
  def restarted(ref, old, top, cfg) do
    found = fn ->
      case Tree.resolve(ref, top) do
        {:ok, pid} when pid != old -> {:ok, pid}
        {:ok, _} -> {:error, "it still has its old pid"}
        err -> err
      end
    end

    if wait_until(cfg.restart_wait_ms, fn -> match?({:ok, _}, found.()) end),
      do: found.(),
      else: found.()
  end

  # The refs (with their old pids) that did not come back with a new pid,
  # waiting once for all of them rather than once each.
  def not_restarted(pairs, top, cfg) do
    pending = fn ->
      Enum.reject(pairs, fn {ref, old} ->
        case Tree.resolve(ref, top) do
          {:ok, pid} -> pid != old
          _ -> false
        end
      end)
    end

    wait_until(cfg.restart_wait_ms, fn -> pending.() == [] end)
    pending.()
  end

  # A process that must stay down: give its supervisor time to (wrongly)
  # restart it, then look again.
  def gone(ref, top, cfg, pass, fail_text) do
    wait_until(cfg.settle_ms, fn -> false end)

    case Tree.resolve(ref, top) do
      {:ok, _} -> {:fail, fail_text}
      {:error, _} -> if pass == :ok, do: :ok, else: {:pass, pass}
    end
  end

  def snapshot(refs, top) do
    Enum.reduce_while(refs, {:ok, []}, fn ref, {:ok, acc} ->
      case Tree.resolve(ref, top) do
        {:ok, pid} -> {:cont, {:ok, acc ++ [{ref, pid}]}}
        {:error, why} -> {:halt, {:error, "before the fault: #{why}"}}
      end
    end)
  end

  def unchanged(before, top) do
    changed = Enum.reject(before, fn {ref, old} -> Tree.resolve(ref, top) == {:ok, old} end)

    case changed do
      [] ->
        :ok

      _ ->
        {:fail,
         "these should have kept their pids but were restarted or stopped: #{survivor_text(Enum.map(changed, &elem(&1, 0)))}"}
    end
  end

  # After an escalation the parent may still be rebuilding the subtree; the
  # unaffected processes must be unaffected once it has settled.
  def settle_then_unchanged([], _top, _cfg), do: :ok

  def settle_then_unchanged(before, top, cfg) do
    wait_until(cfg.settle_ms, fn -> false end)
    unchanged(before, top)
  end

  def kept_text([]), do: "no other process was required to survive"
  def kept_text([one]), do: "#{Tree.describe_ref(one)} kept its pid"
  def kept_text(refs), do: "#{survivor_text(refs)} kept their pids"

  def survivor_text([]), do: "no other process"
  def survivor_text(refs), do: Enum.map_join(refs, ", ", &Tree.describe_ref/1)

  def crash_repeatedly(ref, pid, n, mon, top, cfg), do: crash_loop(ref, pid, n, 0, mon, top, cfg)

  def crash_loop(_ref, _pid, n, done, _mon, _top, _cfg) when done >= n, do: done

  def crash_loop(ref, pid, n, done, mon, top, cfg) do
    kill(pid)
    done = done + 1

    cond do
      done >= n ->
        done

      down?(mon) ->
        done

      true ->
        case restarted(ref, pid, top, cfg) do
          {:ok, new_pid} -> crash_loop(ref, new_pid, n, done, mon, top, cfg)
          {:error, _} -> done
        end
    end
  end

  def down?(mon) do
    receive do
      {:DOWN, ^mon, :process, _, _} = msg ->
        send(self(), msg)
        true
    after
      0 -> false
    end
  end

  def await_down(mon, ms) do
    receive do
      {:DOWN, ^mon, :process, _, _} -> true
    after
      ms -> false
    end
  end
end
