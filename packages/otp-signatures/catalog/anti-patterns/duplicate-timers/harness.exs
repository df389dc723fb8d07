defmodule Scenario do
  # One heartbeat every 50 ms can beat at most about 6 times in 280 ms
  # (never more, however slow the machine: a late timer re-arms late).
  # Six concurrent heartbeats beat about 30 times.
  @window_ms 280
  @max_beats 12

  def run do
    {:ok, _} = Heartbeat.start()
    for _ <- 1..5, do: :ok = Heartbeat.reset()
    Process.sleep(@window_ms)

    case Heartbeat.beats() do
      beats when beats <= @max_beats -> :ok
      beats -> {:error, {:too_many_beats, beats}}
    end
  end
end
