defmodule SessionTable do
  use GenServer

  # Owns the ETS table and does nothing else, so it has no reason to crash:
  # the table (owned by this process) outlives any crash of Sessions.
  def start_link(_), do: GenServer.start_link(__MODULE__, :ok, name: __MODULE__)

  @impl true
  def init(:ok) do
    :ets.new(:sessions, [:named_table, :public, :set])
    {:ok, :no_state}
  end
end

defmodule Sessions do
  use GenServer

  def start_link(_), do: GenServer.start_link(__MODULE__, :ok, name: __MODULE__)
  def put(id, data), do: GenServer.call(__MODULE__, {:put, id, data})
  def get(id), do: GenServer.call(__MODULE__, {:get, id})
  def renew(id), do: GenServer.call(__MODULE__, {:renew, id})

  # Sessions are kept in the table, not in this process: a restarted
  # Sessions finds them all again.
  @impl true
  def init(:ok), do: {:ok, :sessions}

  @impl true
  def handle_call({:put, id, data}, _from, table) do
    :ets.insert(table, {id, data})
    {:reply, :ok, table}
  end

  def handle_call({:get, id}, _from, table), do: {:reply, lookup(table, id), table}

  def handle_call({:renew, id}, _from, table) do
    # Still crashes on an unknown id: "let it crash" is fine now that a
    # crash no longer costs the other sessions.
    session = lookup(table, id) || raise KeyError, key: id
    :ets.insert(table, {id, Map.update(session, :renewals, 1, &(&1 + 1))})
    {:reply, :ok, table}
  end

  defp lookup(table, id) do
    case :ets.lookup(table, id) do
      [{^id, data}] -> data
      [] -> nil
    end
  end
end

defmodule SessionApp do
  def start_link do
    # rest_for_one: if the table owner ever died, Sessions restarts after it.
    Supervisor.start_link([SessionTable, Sessions],
      strategy: :rest_for_one,
      name: SessionApp.Supervisor
    )
  end
end
