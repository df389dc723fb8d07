defmodule Scenario do
  # Pass-to-pass: every public function with one client at a time, inputs
  # drawn from the run's seed. Passes on the buggy code and on any fix.
  import FixBugSuite

  def run do
    {:ok, pid} = Counter.start()
    value = int(-1_000, 1_000)
    steps = int(1, 20)
    other = int(0, 9_999)

    with :ok <- expect(:start_registers_the_name, Process.whereis(Counter), pid),
         :ok <- expect(:get_starts_at_zero, Counter.get(), 0),
         :ok <- expect(:set_returns_ok, Counter.set(value), :ok),
         :ok <- expect(:get_after_set, Counter.get(), value),
         :ok <-
           expect(:increment_returns_ok, Enum.uniq(for _ <- 1..steps, do: Counter.increment()), [
             :ok
           ]),
         :ok <- expect(:get_after_increments, Counter.get(), value + steps),
         :ok <- expect(:set_overwrites, Counter.set(other), :ok) do
      expect(:get_after_second_set, Counter.get(), other)
    end
  end
end
