defmodule Counter do
  use GenServer

  def start, do: GenServer.start(__MODULE__, %{value: 0}, name: __MODULE__)
  def get_and_increment, do: GenServer.call(__MODULE__, :get_and_increment)
  def value, do: GenServer.call(__MODULE__, :value)

  @impl true
  def init(state), do: {:ok, state}

  # Claimed "not atomic": the value is copied into a local variable before
  # the new state is built.
  @impl true
  def handle_call(:get_and_increment, _from, state) do
    current_value = state.value
    new_state = %{state | value: current_value + 1}
    {:reply, current_value, new_state}
  end

  def handle_call(:value, _from, state), do: {:reply, state.value, state}
end
