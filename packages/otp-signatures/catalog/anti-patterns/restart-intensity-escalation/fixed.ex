defmodule Stats do
  use Agent

  # A sibling holding state that has nothing to do with parsing.
  def start_link(_), do: Agent.start_link(fn -> %{requests: 0} end, name: __MODULE__)
  def bump, do: Agent.update(__MODULE__, &Map.update!(&1, :requests, fn n -> n + 1 end))
  def get, do: Agent.get(__MODULE__, & &1)
end

defmodule Parser do
  use GenServer

  def start_link(_), do: GenServer.start_link(__MODULE__, :ok, name: __MODULE__)
  def parse(text), do: GenServer.call(__MODULE__, {:parse, text})

  @impl true
  def init(:ok), do: {:ok, :ready}

  @impl true
  def handle_call({:parse, text}, _from, state) do
    Stats.bump()
    # Expected bad input is answered with an error value. Crashes (and the
    # restart budget) are kept for faults nobody anticipated.
    reply =
      case Integer.parse(text) do
        {number, ""} -> {:ok, number}
        _ -> {:error, :not_an_integer}
      end

    {:reply, reply, state}
  end
end

defmodule ParserApp do
  def start_link do
    Supervisor.start_link([Stats, Parser], strategy: :one_for_one, name: ParserApp.Supervisor)
  end
end
