defmodule Feed do
  use GenServer

  def start_link(owner), do: GenServer.start_link(__MODULE__, owner, name: __MODULE__)
  def init(owner), do: {:ok, {owner, []}}

  def handle_cast({:add, x}, {owner, xs}) do
    {:noreply, {owner, xs ++ [x]}, {:continue, :report}}
  end

  def handle_continue(:report, {owner, xs} = state) do
    send(owner, {:report, xs})
    {:noreply, state}
  end
end
