defmodule Heartbeat do
  use GenServer

  @interval 50

  def start, do: GenServer.start(__MODULE__, :ok, name: __MODULE__)
  # Called on every reconnect: restart the heartbeat interval.
  def reset, do: GenServer.call(__MODULE__, :reset)
  def beats, do: GenServer.call(__MODULE__, :beats)

  @impl true
  def init(:ok), do: {:ok, schedule(%{beats: 0, timer: nil, token: nil})}

  @impl true
  def handle_call(:reset, _from, state), do: {:reply, :ok, schedule(state)}
  def handle_call(:beats, _from, state), do: {:reply, state.beats, state}

  @impl true
  def handle_info({:beat, token}, %{token: token} = state),
    do: {:noreply, schedule(%{state | beats: state.beats + 1})}

  # A beat from a timer that was replaced: it may have fired just before
  # the cancel, so it is recognised by its token and ignored.
  def handle_info({:beat, _stale}, state), do: {:noreply, state}

  # Exactly one timer is live: the previous one is cancelled and its token
  # retired before a new one starts.
  defp schedule(state) do
    if state.timer, do: Process.cancel_timer(state.timer)
    token = make_ref()
    timer = Process.send_after(self(), {:beat, token}, @interval)
    %{state | timer: timer, token: token}
  end
end
