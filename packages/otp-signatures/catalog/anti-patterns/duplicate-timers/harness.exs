defmodule Scenario do
  # One heartbeat every 50 ms beats at most window / 50 + 1 times in the
  # window (never more, however slow the machine: a late timer re-arms late);
  # n + 1 concurrent heartbeats beat about n + 1 times as often. The window
  # and the number of resets change from run to run.
  @interval 50

  def run do
    {:ok, _} = Heartbeat.start()
    resets = Enum.random(4..8)
    window = Enum.random(200..320)
    for _ <- 1..resets, do: :ok = Heartbeat.reset()
    Process.sleep(window)
    max_beats = div(window, @interval) * 2

    case Heartbeat.beats() do
      beats when is_integer(beats) and beats <= max_beats -> :ok
      beats -> {:error, {:too_many_beats, beats, max_beats}}
    end
  end
end
