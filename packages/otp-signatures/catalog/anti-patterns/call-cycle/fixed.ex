defmodule Accounts do
  use GenServer

  def start, do: GenServer.start(__MODULE__, %{"alice" => 100, "bob" => 20}, name: __MODULE__)
  def balance(user, timeout \\ 5_000), do: GenServer.call(__MODULE__, {:balance, user}, timeout)

  def withdraw(user, amount, timeout \\ 5_000),
    do: GenServer.call(__MODULE__, {:withdraw, user, amount}, timeout)

  @impl true
  def init(balances), do: {:ok, balances}

  @impl true
  def handle_call({:balance, user}, _from, balances),
    do: {:reply, Map.get(balances, user, 0), balances}

  def handle_call({:withdraw, user, amount}, _from, balances) do
    # Accounts hands Audit everything it needs, so Audit never has to call
    # back: calls only flow one way and no cycle can form.
    before = Map.get(balances, user, 0)
    :ok = Audit.record(user, amount, before)
    {:reply, :ok, Map.put(balances, user, before - amount)}
  end
end

defmodule Audit do
  use GenServer

  def start, do: GenServer.start(__MODULE__, [], name: __MODULE__)
  # The public API keeps record/2: a client outside Accounts may still ask
  # Audit to look the balance up. Accounts itself uses record/3 and passes the
  # balance it already has, so no call ever goes back into a busy Accounts.
  def record(user, amount), do: record(user, amount, Accounts.balance(user))

  def record(user, amount, before),
    do: GenServer.call(__MODULE__, {:record, user, amount, before})

  def entries, do: GenServer.call(__MODULE__, :entries)

  @impl true
  def init(log), do: {:ok, log}

  @impl true
  def handle_call({:record, user, amount, before}, _from, log) do
    {:reply, :ok, [{user, amount, before} | log]}
  end

  def handle_call(:entries, _from, log), do: {:reply, Enum.reverse(log), log}
end
