defmodule Scenario do
  def run do
    table = HitCounter.new()
    clients = Enum.random(30..40)
    hits_each = Enum.random(600..1_000)

    page =
      Enum.random(["/home", "/about", "/cart", "/search"]) <>
        Integer.to_string(Enum.random(1..999))

    1..clients
    |> Enum.map(fn client ->
      Task.async(fn ->
        # Some unrelated work first, different for every client: with a
        # single scheduler, clients are then preempted at different points
        # of their loop, some of them between the lookup and the insert.
        _ = Enum.reduce(1..(client * 37), 0, &+/2)
        for _ <- 1..hits_each, do: HitCounter.hit(table, page)
      end)
    end)
    |> Enum.each(&Task.await(&1, 5_000))

    expected = clients * hits_each

    case HitCounter.count(table, page) do
      ^expected -> :ok
      got when is_integer(got) -> {:error, {:lost_hits, expected - got}}
      got -> {:error, {:bad_count, got}}
    end
  end
end
