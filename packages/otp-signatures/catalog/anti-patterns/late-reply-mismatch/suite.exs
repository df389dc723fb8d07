defmodule Scenario do
  # Pass-to-pass: requests that are answered in time.
  import FixBugSuite

  def run do
    {:ok, pid} = Lookup.start()
    keys = for _ <- 1..int(1, 5), do: pick([:user, :org, :repo, :team, :plan])
    answers = for key <- keys, do: Lookup.get(key, 1_000)

    with :ok <- expect(:start_registers_the_name, Process.whereis(Lookup), pid),
         :ok <- expect(:get_answers_each_key, answers, Enum.map(keys, &{:ok, {:value, &1}})) do
      expect(:get_of_the_slow_report, Lookup.get(:report, 1_000), {:ok, :report_value})
    end
  end
end
