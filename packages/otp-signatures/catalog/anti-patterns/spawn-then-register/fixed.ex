defmodule Settings do
  use GenServer

  # Starts the shared settings server on first use.
  def ensure_started do
    # Registration is part of starting: the name is claimed atomically
    # before init/1 runs, and every other starter is told who won.
    case GenServer.start(__MODULE__, :ok, name: __MODULE__) do
      {:ok, pid} -> pid
      {:error, {:already_started, pid}} -> pid
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
