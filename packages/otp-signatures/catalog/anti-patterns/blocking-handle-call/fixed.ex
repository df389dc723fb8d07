defmodule Thumbnailer do
  use GenServer

  def start, do: GenServer.start(__MODULE__, :ok, name: __MODULE__)
  def render(image, timeout \\ 5_000), do: GenServer.call(__MODULE__, {:render, image}, timeout)
  def stats(timeout \\ 5_000), do: GenServer.call(__MODULE__, :stats, timeout)

  @impl true
  def init(:ok), do: {:ok, %{rendered: 0}}

  @impl true
  def handle_call({:render, image}, from, state) do
    # The slow work runs in its own process, which answers the caller
    # directly; the server is free for the next message at once.
    server = self()

    Task.start(fn ->
      GenServer.reply(from, slow_render(image))
      send(server, :rendered)
    end)

    {:noreply, state}
  end

  def handle_call(:stats, _from, state), do: {:reply, state, state}

  @impl true
  def handle_info(:rendered, state), do: {:noreply, %{state | rendered: state.rendered + 1}}

  defp slow_render(image) do
    Process.sleep(1_000)
    {:thumb, image}
  end
end
