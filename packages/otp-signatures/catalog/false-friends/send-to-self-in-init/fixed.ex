defmodule Catalogue do
  use GenServer

  def start, do: GenServer.start(__MODULE__, :ok, name: __MODULE__)
  def lookup(sku), do: GenServer.call(__MODULE__, {:lookup, sku})

  # The claimed fix: handle_continue instead of a message to self.
  @impl true
  def init(:ok), do: {:ok, :not_loaded, {:continue, :load}}

  @impl true
  def handle_continue(:load, :not_loaded),
    do: {:noreply, %{"sku-1" => "teapot", "sku-2" => "kettle"}}

  @impl true
  def handle_call({:lookup, _sku}, _from, :not_loaded),
    do: {:reply, {:error, :not_loaded}, :not_loaded}

  def handle_call({:lookup, sku}, _from, items), do: {:reply, Map.fetch(items, sku), items}
end
