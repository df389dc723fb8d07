defmodule Scenario do
  def run do
    parent = self()

    # The starter stays alive while we look: a supervisor shuts down when
    # its parent exits. It is stopped at the end, taking the tree with it.
    starter =
      spawn(fn ->
        send(parent, {:started, Plant.start_link()})

        receive do
          :stop -> :ok
        end
      end)

    result =
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

    send(starter, :stop)
    result
  end
end
