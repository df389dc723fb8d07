defmodule Scenario do
  # Pass-to-pass: Cache and Inspector on their own, Inspector under a
  # supervisor that is already running (no deadlock on any version), with a
  # number of siblings that changes from run to run.
  import FixBugSuite

  def run do
    Process.flag(:trap_exit, true)
    {:ok, cache} = Cache.start_link(int(0, 9))
    n = int(1, 6)
    agents = for i <- 1..n, do: Supervisor.child_spec({Agent, fn -> i end}, id: {:agent, i})
    {:ok, sup} = Supervisor.start_link(agents, strategy: :one_for_one)
    {:ok, inspector} = Inspector.start_link(sup)

    with :ok <- expect(:cache_registers_its_name, Process.whereis(Cache), cache),
         :ok <- expect(:inspector_registers_its_name, Process.whereis(Inspector), inspector),
         {:ok, count} <- within(:siblings_answers, 1_000, &Inspector.siblings/0),
         :ok <- expect(:siblings_counts_the_children, count, n) do
      for pid <- [inspector, sup, cache], do: Process.exit(pid, :shutdown)
      :ok
    end
  end
end
