defmodule MetricsSink do
  use GenServer

  def start, do: GenServer.start(__MODULE__, 0, name: __MODULE__)

  # A call makes each producer wait until its sample is stored: producers
  # can never run ahead of the sink, so its mailbox stays short
  # (back-pressure).
  def record(sample), do: GenServer.call(__MODULE__, {:record, sample}, 10_000)

  def count, do: GenServer.call(__MODULE__, :count, 10_000)

  @impl true
  def init(count), do: {:ok, count}

  @impl true
  def handle_call({:record, _sample}, _from, count) do
    persist()
    {:reply, :ok, count + 1}
  end

  def handle_call(:count, _from, count), do: {:reply, count, count}

  # Stands for a slow write to storage.
  defp persist, do: Process.sleep(1)
end
