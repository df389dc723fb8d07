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

  def handle_call(:total, _from, items) do
    # items/0 is the public API: a GenServer.call to this very process,
    # which is busy running this callback. OTP exits with :calling_self.
    total = items() |> Enum.map(fn {_item, price} -> price end) |> Enum.sum()
    {:reply, total, items}
  end
end
