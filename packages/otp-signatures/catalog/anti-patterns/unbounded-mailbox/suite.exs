defmodule Scenario do
  # Pass-to-pass: a handful of samples from one producer, then count.
  import FixBugSuite

  def run do
    {:ok, pid} = MetricsSink.start()
    n = int(1, 15)
    replies = for _ <- 1..n, do: MetricsSink.record(%{value: int(0, 1_000), name: word()})

    with :ok <- expect(:start_registers_the_name, Process.whereis(MetricsSink), pid),
         :ok <- expect(:record_returns_ok, Enum.uniq(replies), [:ok]) do
      expect(:count_after_records, MetricsSink.count(), n)
    end
  end
end
