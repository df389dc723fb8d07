defmodule OtpForge.Cleanup do
  @moduledoc false
  # What a job leaves behind is removed before the next job: its processes
  # (and with them their names, links, monitors and ETS tables), names it
  # gave to other processes, persistent terms it added or changed, ETS tables
  # it handed to the runtime, and every module it compiled.

  # Plain lists: cheap to take, and compared only when something changed.
  def baseline do
    %{
      procs: Process.list(),
      names: Process.registered(),
      ets: :ets.all(),
      loaded: :erlang.loaded(),
      pterms: Map.new(:persistent_term.get()),
      count: :erlang.system_info(:process_count),
      memory: :erlang.memory(:total)
    }
  end

  @doc "Live processes of the job: only they have the job's capture as group leader."
  def job_processes(_baseline, gl) do
    for p <- Process.list(), group_leader(p) == gl, do: p
  end

  defp group_leader(p) do
    case Process.info(p, :group_leader) do
      {:group_leader, gl} -> gl
      nil -> nil
    end
  end

  def run(baseline, gl, opts) do
    if Keyword.get(opts, :bomb) || :erlang.system_info(:process_count) - baseline.count > 2000,
      do: stop_the_world_kill(baseline, Keyword.get(opts, :infra, []))

    left = kill_all(baseline, gl, 20)
    unregister_names(baseline)
    restore_persistent_terms(baseline)
    delete_tables(baseline)
    modules = purge_job_modules(baseline, Keyword.get(opts, :compiled, []))
    if Keyword.get(opts, :tracer_used), do: :erlang.trace_pattern({:_, :_, :_}, false, [:global])

    %{
      "clean" => left == 0,
      "leftProcesses" => left,
      "purgedModules" => modules,
      "atoms" => :erlang.system_info(:atom_count),
      "processes" => :erlang.system_info(:process_count),
      "memory" => :erlang.memory(:total)
    }
  end

  # A spawn bomb refills every slot that a kill frees. With the other
  # schedulers blocked, only this (high-priority, never waiting) process runs
  # while it sends the kills; a killed process dies the next time it is
  # scheduled, before it runs any code. No Process.info here: it may wait
  # for the target to answer, and waiting lets the bomb run.
  defp stop_the_world_kill(baseline, infra) do
    :erlang.system_flag(:multi_scheduling, :block)

    try do
      for p <- Process.list() -- baseline.procs,
          p != self(),
          p not in infra,
          do: Process.exit(p, :kill)
    after
      :erlang.system_flag(:multi_scheduling, :unblock)
    end
  end

  # Killing may race with spawning: repeat until nothing of the job is alive.
  defp kill_all(baseline, gl, rounds) do
    case job_processes(baseline, gl) do
      [] ->
        0

      procs when rounds == 0 ->
        length(procs)

      procs ->
        refs =
          for p <- procs,
              do:
                (
                  Process.exit(p, :kill)
                  Process.monitor(p)
                )

        wait_down(refs)
        kill_all(baseline, gl, rounds - 1)
    end
  end

  defp wait_down([]), do: :ok

  defp wait_down([ref | rest]) do
    receive do
      {:DOWN, ^ref, _, _, _} -> wait_down(rest)
    after
      2000 -> :ok
    end
  end

  # A name the job gave to a process that existed before it (its own are gone with them).
  defp unregister_names(baseline) do
    for name <- Process.registered() -- baseline.names do
      pid = Process.whereis(name)

      if pid && pid in baseline.procs,
        do:
          (try do
             Process.unregister(name)
           rescue
             _ -> :ok
           end)
    end
  end

  defp restore_persistent_terms(baseline) do
    for {k, v} <- :persistent_term.get() do
      case Map.fetch(baseline.pterms, k) do
        :error -> :persistent_term.erase(k)
        {:ok, ^v} -> :ok
        {:ok, old} -> :persistent_term.put(k, old)
      end
    end

    for {k, v} <- baseline.pterms,
        :persistent_term.get(k, :otpforge_missing) == :otpforge_missing do
      :persistent_term.put(k, v)
    end
  end

  # Tables the job handed to processes that existed before it.
  defp delete_tables(baseline) do
    for t <- :ets.all() -- baseline.ets do
      owner = :ets.info(t, :owner)

      if owner == :undefined or owner in baseline.procs,
        do:
          (try do
             :ets.delete(t)
           rescue
             _ -> :ok
           end)
    end
  end

  # Modules compiled from a job's source are loaded from memory, not a .beam
  # file: the new ones, plus the ones its files compiled (a trusted job may
  # replace a module that was loaded before; purged, it reloads from disk).
  defp purge_job_modules(baseline, compiled) do
    candidates = Enum.uniq((:erlang.loaded() -- baseline.loaded) ++ compiled)

    mods = for m <- candidates, m in compiled or in_memory?(m), do: m

    for m <- mods do
      :code.purge(m)
      :code.delete(m)
      :code.purge(m)
    end

    length(mods)
  end

  defp in_memory?(m) do
    case :code.is_loaded(m) do
      {:file, f} -> f == [] or f == :in_memory
      false -> false
    end
  end
end
