defmodule Scenario do
  # Pass-to-pass: good jobs only, Results on its own, sync.
  import FixBugSuite

  def run do
    Process.flag(:trap_exit, true)
    {:ok, sup} = JobSystem.start_link()
    jobs = for _ <- 1..int(1, 8), do: {:divide, int(-500, 500), int(1, 50)}
    submitted = Enum.map(jobs, &JobRunner.submit/1)
    key = {:manual, word()}

    with :ok <- expect(:submit_returns_ok, Enum.uniq(submitted), [:ok]),
         :ok <- expect(:sync_returns_ok, JobRunner.sync(2_000), :ok),
         :ok <-
           expect(
             :results_of_good_jobs,
             Results.all(),
             Map.new(jobs, fn {:divide, a, b} = j -> {j, {:ok, div(a, b)}} end)
           ),
         :ok <- expect(:results_put_returns_ok, Results.put(key, :done), :ok),
         :ok <- expect(:results_all_after_put, Map.get(Results.all(), key), :done) do
      Process.exit(sup, :shutdown)
      :ok
    end
  end
end
