defmodule Board do
  use GenServer

  def start_link(owner), do: GenServer.start_link(__MODULE__, owner, name: __MODULE__)
  def init(owner), do: {:ok, {owner, []}}

  def handle_cast({:add, x}, {owner, xs}) do
    send(self(), :report)
    {:noreply, {owner, xs ++ [x]}}
  end

  def handle_info(:report, {owner, xs} = state) do
    send(owner, {:report, xs})
    {:noreply, state}
  end
end
