defmodule Cart do
  use GenServer

  def start, do: GenServer.start(__MODULE__, [], name: __MODULE__)
  def add(item, price), do: GenServer.call(__MODULE__, {:add, item, price})
  def items, do: GenServer.call(__MODULE__, :items)
  def total, do: GenServer.call(__MODULE__, :total)

  @impl true
  def init(items), do: {:ok, items}

  @impl true
  def handle_call({:add, item, price}, _from, items), do: {:reply, :ok, [{item, price} | items]}
  def handle_call(:items, _from, items), do: {:reply, items, items}

  # Inside a callback the state is already at hand: use it directly
  # instead of sending a message to ourselves.
  def handle_call(:total, _from, items), do: {:reply, sum(items), items}

  defp sum(items), do: items |> Enum.map(fn {_item, price} -> price end) |> Enum.sum()
end
