defmodule Ledger do
  use GenServer

  def start, do: GenServer.start(__MODULE__, [], name: __MODULE__)

  # Claimed bug: casts are asynchronous, so two casts from the same client
  # may be applied out of order.
  def append(entry), do: GenServer.cast(__MODULE__, {:append, entry})
  def entries, do: GenServer.call(__MODULE__, :entries)

  @impl true
  def init(entries), do: {:ok, entries}

  @impl true
  def handle_cast({:append, entry}, entries), do: {:noreply, [entry | entries]}

  @impl true
  def handle_call(:entries, _from, entries), do: {:reply, Enum.reverse(entries), entries}
end
