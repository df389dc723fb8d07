defmodule Scenario do
  # Far above a normal round trip, far below the 5 s default: a cycle shows
  # as a timeout here instead of hanging the run.
  @timeout 600

  def run do
    {:ok, _} = Accounts.start()
    {:ok, _} = Audit.start()
    # Who withdraws what changes from run to run.
    withdrawals =
      for _ <- 1..Enum.random(1..4), do: {Enum.random(["alice", "bob"]), Enum.random(1..15)}

    try do
      for {user, amount} <- withdrawals, do: :ok = Accounts.withdraw(user, amount, @timeout)
      {balances, log} = expected(withdrawals)

      case {Accounts.balance("alice", @timeout), Accounts.balance("bob", @timeout),
            Audit.entries()} do
        {a, b, ^log} when {a, b} == balances -> :ok
        other -> {:error, {:unexpected_state, other, {balances, log}}}
      end
    catch
      :exit, reason -> {:error, {:call_failed, reason}}
    end
  end

  defp expected(withdrawals) do
    {balances, log} =
      Enum.reduce(withdrawals, {%{"alice" => 100, "bob" => 20}, []}, fn {user, amount},
                                                                        {balances, log} ->
        before = balances[user]
        {Map.put(balances, user, before - amount), [{user, amount, before} | log]}
      end)

    {{balances["alice"], balances["bob"]}, Enum.reverse(log)}
  end
end
