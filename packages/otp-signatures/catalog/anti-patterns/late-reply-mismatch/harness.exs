defmodule Scenario do
  def run do
    {:ok, _} = Lookup.start()
    first = Lookup.get(:report, 100)
    # The slow answer to the first request arrives meanwhile.
    Process.sleep(400)
    second = Lookup.get(:user, 1_000)

    case {first, second} do
      {{:error, :timeout}, {:ok, {:value, :user}}} -> :ok
      other -> {:error, {:mismatched_replies, other}}
    end
  end
end
