defmodule Heartbeat do
  use GenServer

  @interval 50

  def start, do: GenServer.start(__MODULE__, :ok, name: __MODULE__)
  # Called on every reconnect: restart the heartbeat interval.
  def reset, do: GenServer.call(__MODULE__, :reset)
  def beats, do: GenServer.call(__MODULE__, :beats)

  @impl true
  def init(:ok), do: {:ok, schedule(%{beats: 0})}

  @impl true
  def handle_call(:reset, _from, state), do: {:reply, :ok, schedule(state)}
  def handle_call(:beats, _from, state), do: {:reply, state.beats, state}

  @impl true
  def handle_info(:beat, state), do: {:noreply, schedule(%{state | beats: state.beats + 1})}

  # Each reset starts a new timer while the previous one keeps running, and
  # every timer re-arms itself: n resets leave n + 1 heartbeats ticking.
  defp schedule(state) do
    Process.send_after(self(), :beat, @interval)
    state
  end
end
