defmodule Scenario do
  def run do
    parent = self()

    # The starter stays alive: a supervisor shuts down when its parent exits.
    spawn(fn ->
      send(parent, {:started, Plant.start_link()})
      Process.sleep(:infinity)
    end)

    receive do
      {:started, {:ok, _sup}} ->
        case Inspector.siblings() do
          2 -> :ok
          other -> {:error, {:wrong_sibling_count, other}}
        end

      {:started, other} ->
        {:error, {:start_failed, other}}
    after
      1_000 -> {:error, :supervisor_start_deadlocked}
    end
  end
end
