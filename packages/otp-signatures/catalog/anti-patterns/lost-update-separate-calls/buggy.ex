defmodule Counter do
  use GenServer

  def start, do: GenServer.start(__MODULE__, 0, name: __MODULE__)
  def get, do: GenServer.call(__MODULE__, :get)
  def set(value), do: GenServer.call(__MODULE__, {:set, value})

  # The read and the write travel in two separate messages. Another client's
  # increment can be handled between them and is then overwritten.
  def increment do
    set(get() + 1)
  end

  @impl true
  def init(count), do: {:ok, count}

  @impl true
  def handle_call(:get, _from, count), do: {:reply, count, count}
  def handle_call({:set, value}, _from, _count), do: {:reply, :ok, value}
end
