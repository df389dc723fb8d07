defmodule Scenario do
  def run do
    {:ok, sup} = JobSystem.start_link()
    # The scenario checks jobs, not the supervisor's fate: stay unlinked.
    Process.unlink(sup)

    jobs = for i <- 1..20, do: {:divide, 100, if(i == 5, do: 0, else: i)}
    Enum.each(jobs, &JobRunner.submit/1)

    try do
      JobRunner.sync(3_000)
    catch
      :exit, _runner_died -> :ok
    end

    results = Results.all()

    missing =
      for {:divide, a, b} = job <- jobs, b != 0, Map.get(results, job) != {:ok, div(a, b)}, do: job

    case missing do
      [] -> :ok
      _ -> {:error, {:jobs_lost, length(missing)}}
    end
  end
end
