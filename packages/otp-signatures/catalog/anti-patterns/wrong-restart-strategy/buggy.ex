defmodule Conn do
  use GenServer

  # Holds a connection to some backend.
  def start_link(_), do: GenServer.start_link(__MODULE__, :ok, name: __MODULE__)

  @impl true
  def init(:ok), do: {:ok, %{queries: 0}}

  @impl true
  def handle_call({:query, sql}, _from, state),
    do: {:reply, {:ok, {:rows, sql}}, %{state | queries: state.queries + 1}}
end

defmodule Repo do
  use GenServer

  def start_link(_), do: GenServer.start_link(__MODULE__, :ok, name: __MODULE__)
  def query(sql), do: GenServer.call(__MODULE__, {:query, sql})

  # Repo depends on Conn: it resolves Conn's pid once, when it starts.
  @impl true
  def init(:ok), do: {:ok, %{conn: Process.whereis(Conn)}}

  @impl true
  def handle_call({:query, sql}, _from, state),
    do: {:reply, GenServer.call(state.conn, {:query, sql}), state}
end

defmodule DB do
  def start_link do
    # one_for_one restarts only the child that died: after Conn restarts,
    # Repo still holds the old, dead pid and every query fails.
    Supervisor.start_link([Conn, Repo], strategy: :one_for_one, name: DB.Supervisor)
  end
end
