defmodule Scenario do
  @clients 40
  @hits_each 1_000

  def run do
    table = HitCounter.new()

    1..@clients
    |> Enum.map(fn client ->
      Task.async(fn ->
        # Some unrelated work first, different for every client: with a
        # single scheduler, clients are then preempted at different points
        # of their loop, some of them between the lookup and the insert.
        _ = Enum.reduce(1..(client * 37), 0, &+/2)
        for _ <- 1..@hits_each, do: HitCounter.hit(table, "/home")
      end)
    end)
    |> Enum.each(&Task.await(&1, 5_000))

    expected = @clients * @hits_each

    case HitCounter.count(table, "/home") do
      ^expected -> :ok
      got -> {:error, {:lost_hits, expected - got}}
    end
  end
end
