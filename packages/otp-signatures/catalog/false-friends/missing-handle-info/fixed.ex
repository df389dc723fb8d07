defmodule Inbox do
  use GenServer

  def start, do: GenServer.start(__MODULE__, [], name: __MODULE__)
  def deliver(msg), do: GenServer.call(__MODULE__, {:deliver, msg})
  def all, do: GenServer.call(__MODULE__, :all)

  @impl true
  def init(messages), do: {:ok, messages}

  @impl true
  def handle_call({:deliver, msg}, _from, messages), do: {:reply, :ok, [msg | messages]}
  def handle_call(:all, _from, messages), do: {:reply, Enum.reverse(messages), messages}

  # The claimed fix: a catch-all clause for stray messages.
  @impl true
  def handle_info(_stray, messages), do: {:noreply, messages}
end
