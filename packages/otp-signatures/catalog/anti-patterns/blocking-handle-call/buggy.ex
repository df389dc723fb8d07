defmodule Thumbnailer do
  use GenServer

  def start, do: GenServer.start(__MODULE__, :ok, name: __MODULE__)
  def render(image, timeout \\ 5_000), do: GenServer.call(__MODULE__, {:render, image}, timeout)
  def stats(timeout \\ 5_000), do: GenServer.call(__MODULE__, :stats, timeout)

  @impl true
  def init(:ok), do: {:ok, %{rendered: 0}}

  @impl true
  def handle_call({:render, image}, _from, state) do
    # The slow work runs inside the callback: until it ends, every other
    # caller (even a cheap :stats) waits in the mailbox.
    thumb = slow_render(image)
    {:reply, thumb, %{state | rendered: state.rendered + 1}}
  end

  def handle_call(:stats, _from, state), do: {:reply, state, state}

  defp slow_render(image) do
    Process.sleep(1_000)
    {:thumb, image}
  end
end
