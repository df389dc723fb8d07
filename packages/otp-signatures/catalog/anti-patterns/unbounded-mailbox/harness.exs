defmodule Scenario do
  @samples 300
  @max_backlog 50

  def run do
    {:ok, sink} = MetricsSink.start()
    for sample <- 1..@samples, do: MetricsSink.record(sample)
    {:message_queue_len, backlog} = Process.info(sink, :message_queue_len)

    cond do
      backlog > @max_backlog -> {:error, {:mailbox_backlog, backlog}}
      MetricsSink.count() != @samples -> {:error, {:samples_lost, @samples - MetricsSink.count()}}
      true -> :ok
    end
  end
end
