defmodule Scenario do
  @max_backlog 30

  def run do
    {:ok, sink} = MetricsSink.start()
    # Several producers at once, each sending its share: a sink that keeps
    # up only because each producer waits a while per sample falls behind
    # when there are many producers.
    producers = Enum.random(6..10)
    each = Enum.random(40..60)

    1..producers
    |> Enum.map(fn p -> Task.async(fn -> for s <- 1..each, do: MetricsSink.record({p, s}) end) end)
    |> Enum.each(&Task.await(&1, 5_000))

    {:message_queue_len, backlog} = Process.info(sink, :message_queue_len)
    total = producers * each

    cond do
      backlog > @max_backlog -> {:error, {:mailbox_backlog, backlog}}
      (count = MetricsSink.count()) != total -> {:error, {:samples_lost, total - count}}
      true -> :ok
    end
  end
end
