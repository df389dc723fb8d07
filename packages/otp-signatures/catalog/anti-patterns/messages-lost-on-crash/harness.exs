defmodule Scenario do
  def run do
    {:ok, sup} = JobSystem.start_link()
    # The scenario checks jobs, not the supervisor's fate: stay unlinked.
    Process.unlink(sup)

    # How many jobs, which fail and how, change from run to run.
    n = Enum.random(12..25)
    bad = Enum.take_random(1..(n - 3), Enum.random(1..2))
    # Not only a division by zero: the first bad job divides by a non-number.
    divisor = fn i ->
      if i == hd(bad), do: Enum.random([:zero, nil]), else: Enum.random([0, :zero])
    end

    jobs =
      for i <- 1..n, do: {:divide, Enum.random(1..1_000), if(i in bad, do: divisor.(i), else: i)}

    Enum.each(jobs, &JobRunner.submit/1)

    try do
      JobRunner.sync(3_000)
    catch
      :exit, _runner_died -> :ok
    end

    results = Results.all()

    missing =
      for {:divide, a, b} = job <- jobs,
          is_integer(b) and b != 0,
          Map.get(results, job) != {:ok, div(a, b)},
          do: job

    case missing do
      [] -> :ok
      _ -> {:error, {:jobs_lost, length(missing)}}
    end
  end
end
