defmodule MetricsSink do
  use GenServer

  def start, do: GenServer.start(__MODULE__, 0, name: __MODULE__)

  # Fire and forget: producers never wait for the sink, so nothing slows
  # them down when the sink falls behind. Its mailbox grows without bound.
  def record(sample), do: GenServer.cast(__MODULE__, {:record, sample})

  def count, do: GenServer.call(__MODULE__, :count, 10_000)

  @impl true
  def init(count), do: {:ok, count}

  @impl true
  def handle_cast({:record, _sample}, count) do
    persist()
    {:noreply, count + 1}
  end

  @impl true
  def handle_call(:count, _from, count), do: {:reply, count, count}

  # Stands for a slow write to storage.
  defp persist, do: Process.sleep(1)
end
