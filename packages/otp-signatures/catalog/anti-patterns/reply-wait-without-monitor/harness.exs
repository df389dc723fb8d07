defmodule Scenario do
  def run do
    with {:ok, {:ok, {:png, 50, 20}}} <- within(fn -> Resizer.resize({:png, 100, 40}) end, 1_000),
         {:ok, {:error, _reason}} <- within(fn -> Resizer.resize(:corrupted) end, 1_000) do
      :ok
    else
      :hung -> {:error, :caller_waits_forever}
      other -> {:error, {:unexpected, other}}
    end
  end

  defp within(fun, ms) do
    task = Task.async(fun)

    case Task.yield(task, ms) || Task.shutdown(task, :brutal_kill) do
      {:ok, value} -> {:ok, value}
      nil -> :hung
      {:exit, reason} -> {:exit, reason}
    end
  end
end
