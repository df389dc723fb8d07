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
    # Accounts waits here for Audit, while Audit is waiting for Accounts.
    :ok = Audit.record(user, amount)
    {:reply, :ok, Map.update(balances, user, -amount, &(&1 - amount))}
  end
end

defmodule Audit do
  use GenServer

  def start, do: GenServer.start(__MODULE__, [], name: __MODULE__)
  def record(user, amount), do: GenServer.call(__MODULE__, {:record, user, amount})
  def entries, do: GenServer.call(__MODULE__, :entries)

  @impl true
  def init(log), do: {:ok, log}

  @impl true
  def handle_call({:record, user, amount}, _from, log) do
    # Calls back into Accounts, which is blocked in its own handle_call
    # waiting for this very reply: neither can go on.
    before = Accounts.balance(user)
    {:reply, :ok, [{user, amount, before} | log]}
  end

  def handle_call(:entries, _from, log), do: {:reply, Enum.reverse(log), log}
end
