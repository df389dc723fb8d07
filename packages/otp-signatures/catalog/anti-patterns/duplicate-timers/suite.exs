defmodule Scenario do
  # Pass-to-pass: no reset, then one reset: the heartbeat beats, at its pace.
  import FixBugSuite

  @interval 50

  def run do
    {:ok, pid} = Heartbeat.start()
    wait = int(130, 260)
    Process.sleep(wait)
    beats = Heartbeat.beats()

    with :ok <- expect(:start_registers_the_name, Process.whereis(Heartbeat), pid),
         :ok <-
           expect(
             :beats_at_the_interval,
             is_integer(beats) and beats >= 1 and beats <= div(wait, @interval) + 1,
             true
           ),
         :ok <- expect(:reset_returns_ok, Heartbeat.reset(), :ok) do
      eventually(:beats_after_a_reset, 400, fn -> Heartbeat.beats() > beats end)
    end
  end
end
