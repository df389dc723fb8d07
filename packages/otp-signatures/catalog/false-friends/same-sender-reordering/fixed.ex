defmodule Ledger do
  use GenServer

  def start, do: GenServer.start(__MODULE__, [], name: __MODULE__)

  # The claimed fix: a call per entry, to "force" the order.
  def append(entry), do: GenServer.call(__MODULE__, {:append, entry})
  def entries, do: GenServer.call(__MODULE__, :entries)

  @impl true
  def init(entries), do: {:ok, entries}

  @impl true
  def handle_call({:append, entry}, _from, entries), do: {:reply, :ok, [entry | entries]}
  def handle_call(:entries, _from, entries), do: {:reply, Enum.reverse(entries), entries}
end
