defmodule Cache do
  use Agent

  def start_link(_), do: Agent.start_link(fn -> %{} end, name: __MODULE__)
end

defmodule Inspector do
  use GenServer

  def start_link(sup), do: GenServer.start_link(__MODULE__, sup, name: __MODULE__)
  def siblings, do: GenServer.call(__MODULE__, :siblings)

  @impl true
  def init(sup) do
    # The supervisor is blocked inside start_link of this very child until
    # init/1 returns, so it cannot answer. which_children waits with
    # :infinity: the supervisor never finishes starting.
    count = length(Supervisor.which_children(sup))
    {:ok, %{siblings: count}}
  end

  @impl true
  def handle_call(:siblings, _from, state), do: {:reply, state.siblings, state}
end

defmodule Plant do
  use Supervisor

  def start_link, do: Supervisor.start_link(__MODULE__, :ok, name: __MODULE__)

  @impl true
  def init(:ok) do
    Supervisor.init([Cache, {Inspector, __MODULE__}], strategy: :one_for_one)
  end
end
