defmodule Catalogue do
  use GenServer

  def start, do: GenServer.start(__MODULE__, :ok, name: __MODULE__)
  def lookup(sku), do: GenServer.call(__MODULE__, {:lookup, sku})

  # Claimed bug: the process is not "ready" during init/1, so the :load
  # message sent to itself here is lost and the catalogue stays empty.
  @impl true
  def init(:ok) do
    send(self(), :load)
    {:ok, :not_loaded}
  end

  @impl true
  def handle_info(:load, :not_loaded), do: {:noreply, %{"sku-1" => "teapot", "sku-2" => "kettle"}}

  @impl true
  def handle_call({:lookup, _sku}, _from, :not_loaded),
    do: {:reply, {:error, :not_loaded}, :not_loaded}

  def handle_call({:lookup, sku}, _from, items), do: {:reply, Map.fetch(items, sku), items}
end
