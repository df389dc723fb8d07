defmodule Sessions do
  use GenServer

  def start_link(_), do: GenServer.start_link(__MODULE__, :ok, name: __MODULE__)
  def put(id, data), do: GenServer.call(__MODULE__, {:put, id, data})
  def get(id), do: GenServer.call(__MODULE__, {:get, id})
  def renew(id), do: GenServer.call(__MODULE__, {:renew, id})

  # The sessions live only in this process's state: when it crashes, the
  # supervisor starts a new process from init/1, i.e. with no sessions.
  @impl true
  def init(:ok), do: {:ok, %{}}

  @impl true
  def handle_call({:put, id, data}, _from, sessions),
    do: {:reply, :ok, Map.put(sessions, id, data)}

  def handle_call({:get, id}, _from, sessions), do: {:reply, Map.get(sessions, id), sessions}

  def handle_call({:renew, id}, _from, sessions) do
    # Crashes on an unknown id (a client bug the server does not survive).
    session = Map.fetch!(sessions, id)
    {:reply, :ok, Map.put(sessions, id, Map.update(session, :renewals, 1, &(&1 + 1)))}
  end
end

defmodule SessionApp do
  def start_link do
    Supervisor.start_link([Sessions], strategy: :one_for_one, name: SessionApp.Supervisor)
  end
end
