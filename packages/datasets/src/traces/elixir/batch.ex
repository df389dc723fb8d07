defmodule TraceWorld.Batch do
  @moduledoc false
  # Observes several worlds in one BEAM job: the observer is compiled once per
  # job, each world's modules are compiled, run and purged in turn (worlds reuse
  # module names such as Counter). A failing world yields an error entry, not a
  # failed batch.

  def run(items) do
    Enum.map(items, fn item ->
      modules = item.world.names ++ List.wrap(item.world.supervisor)

      try do
        Enum.each(item.sources, &Code.compile_string/1)
        %{"runs" => TraceWorld.Observe.observe(item.world, item.specs, item.seeds)}
      rescue
        e -> %{"error" => Exception.message(e)}
      catch
        kind, reason -> %{"error" => "#{kind}: #{inspect(reason, limit: 20)}"}
      after
        purge(modules)
      end
    end)
  end

  defp purge(modules) do
    for m <- modules do
      :code.purge(m)
      :code.delete(m)
      :code.purge(m)
    end
  end
end
