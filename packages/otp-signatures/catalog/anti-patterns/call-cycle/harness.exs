defmodule Scenario do
  # Far above a normal round trip, far below the 5 s default: a cycle shows
  # as a timeout here instead of hanging the run.
  @timeout 600

  def run do
    {:ok, _} = Accounts.start()
    {:ok, _} = Audit.start()

    try do
      :ok = Accounts.withdraw("alice", 30, @timeout)

      case {Accounts.balance("alice", @timeout), Audit.entries()} do
        {70, [{"alice", 30, 100}]} -> :ok
        other -> {:error, {:unexpected_state, other}}
      end
    catch
      :exit, reason -> {:error, {:call_failed, reason}}
    end
  end
end
