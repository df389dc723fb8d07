defmodule Scenario do
  def run do
    callers = Enum.random(10..30)

    outcomes =
      1..callers
      |> Enum.map(fn _ ->
        Task.async(fn ->
          try do
            {:ok, Settings.ensure_started()}
          rescue
            error -> {:raised, error}
          end
        end)
      end)
      |> Enum.map(&Task.await(&1, 3_000))

    pids = for {:ok, pid} <- outcomes, uniq: true, do: pid
    failures = Enum.reject(outcomes, &match?({:ok, _}, &1))

    cond do
      failures != [] -> {:error, {:starters_crashed, length(failures)}}
      length(pids) != 1 -> {:error, {:several_servers, length(pids)}}
      Process.whereis(Settings) != hd(pids) -> {:error, :registered_pid_differs}
      Settings.fetch(:pool_size) != {:ok, 10} -> {:error, :bad_settings}
      true -> :ok
    end
  end
end
