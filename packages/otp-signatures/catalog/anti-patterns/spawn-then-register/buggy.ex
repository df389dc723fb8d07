defmodule Settings do
  use GenServer

  # Starts the shared settings server on first use.
  def ensure_started do
    case Process.whereis(__MODULE__) do
      nil ->
        {:ok, pid} = GenServer.start(__MODULE__, :ok)
        # The name is claimed only after init/1 has run. Every caller that
        # saw `nil` meanwhile starts its own copy, and all but one of them
        # crash here with an ArgumentError (name already registered).
        Process.register(pid, __MODULE__)
        pid

      pid ->
        pid
    end
  end

  def fetch(key), do: GenServer.call(__MODULE__, {:fetch, key})

  @impl true
  def init(:ok) do
    # Stands for loading the settings from somewhere slow.
    Process.sleep(10)
    {:ok, %{pool_size: 10}}
  end

  @impl true
  def handle_call({:fetch, key}, _from, settings),
    do: {:reply, Map.fetch(settings, key), settings}
end
