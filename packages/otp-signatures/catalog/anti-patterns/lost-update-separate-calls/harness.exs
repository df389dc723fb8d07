defmodule Scenario do
  def run do
    {:ok, _pid} = Counter.start()
    # Sizes and the starting value change from run to run: an answer
    # hard-coded to one run's total fails the next.
    start = Enum.random(0..500)
    clients = Enum.random(20..40)
    each = Enum.random(15..30)
    :ok = Counter.set(start)

    # Every client waits for :go, so all of them are running at once. Started
    # one by one, a busy machine can let each client finish before the next
    # is spawned, and the race would not show.
    tasks =
      for _ <- 1..clients do
        Task.async(fn ->
          receive do
            :go -> for _ <- 1..each, do: Counter.increment()
          end
        end)
      end

    Enum.each(tasks, &send(&1.pid, :go))
    replies = Enum.flat_map(tasks, &Task.await(&1, 5_000))

    expected = start + clients * each

    cond do
      Enum.any?(replies, &(&1 != :ok)) ->
        {:error, {:increment_reply_not_ok, Enum.find(replies, &(&1 != :ok))}}

      (got = Counter.get()) != expected ->
        {:error, {:lost_updates, expected - got}}

      true ->
        :ok
    end
  end
end
