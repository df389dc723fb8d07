defmodule Counter do
  use GenServer

  def start, do: GenServer.start(__MODULE__, %{value: 0}, name: __MODULE__)
  def get_and_increment, do: GenServer.call(__MODULE__, :get_and_increment)
  def value, do: GenServer.call(__MODULE__, :value)

  @impl true
  def init(state), do: {:ok, state}

  # The claimed fix: the same computation without the local variable.
  @impl true
  def handle_call(:get_and_increment, _from, state) do
    {:reply, state.value, %{state | value: state.value + 1}}
  end

  def handle_call(:value, _from, state), do: {:reply, state.value, state}
end
