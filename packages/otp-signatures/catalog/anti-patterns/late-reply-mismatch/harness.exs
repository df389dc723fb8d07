defmodule Scenario do
  def run do
    {:ok, _} = Lookup.start()
    first = Lookup.get(:report, Enum.random(20..150))
    # The slow answer to the first request arrives 300 ms after it was
    # asked: before, during or after the next request, depending on this
    # pause, which changes from run to run.
    Process.sleep(Enum.random([0, 5, 60, 400]))
    key = Enum.random([:user, :org, :repo, :team])
    second = Lookup.get(key, 1_000)

    case {first, second} do
      {{:error, :timeout}, {:ok, {:value, ^key}}} -> :ok
      other -> {:error, {:mismatched_replies, other}}
    end
  end
end
