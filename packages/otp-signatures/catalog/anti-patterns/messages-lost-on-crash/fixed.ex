defmodule Results do
  use Agent

  def start_link(_), do: Agent.start_link(fn -> %{} end, name: __MODULE__)
  def put(job, result), do: Agent.update(__MODULE__, &Map.put(&1, job, result))
  def all, do: Agent.get(__MODULE__, & &1)
end

defmodule JobRunner do
  use GenServer

  def start_link(_), do: GenServer.start_link(__MODULE__, :ok, name: __MODULE__)
  def submit(job), do: GenServer.cast(__MODULE__, {:run, job})
  # Answered once every job submitted before it has been handled.
  def sync(timeout), do: GenServer.call(__MODULE__, :sync, timeout)

  @impl true
  def init(:ok), do: {:ok, :idle}

  @impl true
  def handle_cast({:run, job}, state) do
    # A failing job is an expected outcome of that job, not a fault of the
    # runner: contain it, so the queued jobs behind it survive.
    result =
      try do
        {:ok, execute(job)}
      rescue
        error -> {:error, Exception.message(error)}
      end

    Results.put(job, result)
    {:noreply, state}
  end

  @impl true
  def handle_call(:sync, _from, state), do: {:reply, :ok, state}

  defp execute({:divide, a, b}) do
    Process.sleep(5)
    div(a, b)
  end
end

defmodule JobSystem do
  def start_link do
    Supervisor.start_link([Results, JobRunner], strategy: :one_for_one, name: JobSystem.Supervisor)
  end
end
