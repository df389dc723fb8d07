defmodule Scenario do
  def run do
    {:ok, _pid} = Counter.start()
    # Sizes and the starting value change from run to run: an answer
    # hard-coded to one run's total fails the next.
    start = Enum.random(0..500)
    clients = Enum.random(20..40)
    each = Enum.random(15..30)
    :ok = Counter.set(start)

    replies =
      1..clients
      |> Enum.map(fn _ ->
        Task.async(fn -> for _ <- 1..each, do: Counter.increment() end)
      end)
      |> Enum.flat_map(&Task.await(&1, 5_000))

    expected = start + clients * each

    cond do
      Enum.any?(replies, &(&1 != :ok)) -> {:error, {:increment_reply_not_ok, Enum.find(replies, &(&1 != :ok))}}
      (got = Counter.get()) != expected -> {:error, {:lost_updates, expected - got}}
      true -> :ok
    end
  end
end
