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
    # Malformed input is an everyday event here, yet it raises and kills the
    # server. A burst of more than 3 bad requests within 5 s exceeds the
    # supervisor's default restart intensity: the supervisor gives up and
    # takes every sibling down with it.
    {:reply, {:ok, String.to_integer(text)}, state}
  end
end

defmodule ParserApp do
  def start_link do
    Supervisor.start_link([Stats, Parser], strategy: :one_for_one, name: ParserApp.Supervisor)
  end
end
