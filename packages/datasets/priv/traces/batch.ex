defmodule OtpForge.Trace.Batch do
  @moduledoc false
  # Observes several worlds in one BEAM job. Worlds reuse module names (Counter,
  # World.Supervisor, ...), so they run in waves: the worlds of a wave have no
  # module name in common, are compiled together and run at the same time (their
  # runs mostly wait for timers), then their modules are purged. A failing world
  # yields an error entry, not a failed batch. Results come back in input order.

  @max_wave 4

  def run(items) do
    previous = Logger.level()
    # Crash reports are expected here; they would only flood the output.
    Logger.configure(level: :none)
    # Docs and debug info are never used here and cost compile time.
    compiler = Code.compiler_options()
    Code.compiler_options(docs: false, debug_info: false)

    try do
      items
      |> Enum.with_index()
      |> waves()
      |> Enum.flat_map(&run_wave/1)
      |> Enum.sort_by(fn {i, _} -> i end)
      |> Enum.map(fn {_, result} -> result end)
    after
      Logger.configure(level: previous)
      Code.compiler_options(Enum.filter(compiler, fn {k, _} -> k in [:docs, :debug_info] end))
    end
  end

  defp modules(item), do: item.world.names ++ List.wrap(item.world.supervisor)

  # Greedy, in order: each world joins the first wave it shares no module with.
  defp waves(indexed) do
    indexed
    |> Enum.reduce([], fn {item, _} = entry, waves ->
      mods = MapSet.new(modules(item))

      case Enum.find_index(waves, fn {used, members} ->
             length(members) < @max_wave and MapSet.disjoint?(used, mods)
           end) do
        nil ->
          waves ++ [{mods, [entry]}]

        k ->
          List.update_at(waves, k, fn {used, members} ->
            {MapSet.union(used, mods), members ++ [entry]}
          end)
      end
    end)
    |> Enum.map(fn {_, members} -> members end)
  end

  defp run_wave(members) do
    compiled =
      Enum.map(members, fn {item, i} ->
        try do
          Enum.each(item.sources, &Code.compile_string/1)
          {item, i, :ok}
        rescue
          e -> {item, i, {:error, Exception.message(e)}}
        end
      end)

    parent = self()

    running =
      for {item, i, :ok} <- compiled do
        {pid, ref} = spawn_monitor(fn -> send(parent, {:world, self(), observe(item)}) end)
        {i, pid, ref}
      end

    results =
      for {i, pid, ref} <- running do
        receive do
          {:world, ^pid, result} ->
            Process.demonitor(ref, [:flush])
            {i, result}

          {:DOWN, ^ref, :process, ^pid, reason} ->
            {i, %{"error" => "the world's observer crashed: #{inspect(reason, limit: 20)}"}}
        end
      end

    failed = for {_item, i, {:error, message}} <- compiled, do: {i, %{"error" => message}}
    for {item, _i, _} <- compiled, do: purge(modules(item))
    results ++ failed
  end

  defp observe(item) do
    %{"runs" => OtpForge.Trace.Observe.observe(item.world, item.specs, item.seeds)}
  rescue
    e -> %{"error" => Exception.message(e)}
  catch
    kind, reason -> %{"error" => "#{kind}: #{inspect(reason, limit: 20)}"}
  end

  defp purge(modules) do
    for m <- modules do
      :code.purge(m)
      :code.delete(m)
      :code.purge(m)
    end
  end
end
