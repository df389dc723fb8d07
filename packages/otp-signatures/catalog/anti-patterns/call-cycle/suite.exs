defmodule Scenario do
  # Pass-to-pass: balances, entries and Audit.record/2 called by a client
  # (withdraw is the harness's business: on the buggy code it deadlocks).
  import FixBugSuite

  @timeout 600

  def run do
    {:ok, _} = Accounts.start()
    {:ok, _} = Audit.start()
    user = pick(["alice", "bob"])
    stranger = word()
    amount = int(1, 99)
    start = %{"alice" => 100, "bob" => 20}[user]

    with :ok <- expect(:entries_start_empty, Audit.entries(), []),
         :ok <- expect(:balance_of_a_known_user, Accounts.balance(user, @timeout), start),
         :ok <- expect(:balance_with_the_default_timeout, Accounts.balance(user), start),
         :ok <- expect(:balance_of_an_unknown_user, Accounts.balance(stranger, @timeout), 0),
         {:ok, reply} <-
           within(:record_from_a_client, 1_000, fn -> Audit.record(user, amount) end),
         :ok <- expect(:record_returns_ok, reply, :ok),
         :ok <- expect(:record_logs_the_balance, Audit.entries(), [{user, amount, start}]) do
      expect(:record_does_not_move_money, Accounts.balance(user, @timeout), start)
    end
  end
end
