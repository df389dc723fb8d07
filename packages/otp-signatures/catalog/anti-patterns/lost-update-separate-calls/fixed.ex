defmodule Counter do
  use GenServer

  def start, do: GenServer.start(__MODULE__, 0, name: __MODULE__)
  def get, do: GenServer.call(__MODULE__, :get)
  def set(value), do: GenServer.call(__MODULE__, {:set, value})

  # Read, add and write happen inside one callback: the server handles one
  # message at a time, so no other increment can interleave. It still
  # returns :ok, like the two-call version it replaces.
  def increment do
    GenServer.call(__MODULE__, :increment)
  end

  @impl true
  def init(count), do: {:ok, count}

  @impl true
  def handle_call(:get, _from, count), do: {:reply, count, count}
  def handle_call({:set, value}, _from, _count), do: {:reply, :ok, value}
  def handle_call(:increment, _from, count), do: {:reply, :ok, count + 1}
end
