defmodule Scenario do
  # Pass-to-pass: good input, Stats on its own.
  import FixBugSuite

  def run do
    Process.flag(:trap_exit, true)
    {:ok, sup} = ParserApp.start_link()
    numbers = for _ <- 1..int(1, 6), do: int(-100_000, 100_000)
    parsed = for n <- numbers, do: Parser.parse(Integer.to_string(n))
    bumps = int(0, 4)
    bumped = for _ <- 1..bumps//1, do: Stats.bump()

    with :ok <- expect(:parse_of_integers, parsed, Enum.map(numbers, &{:ok, &1})),
         :ok <- expect(:bump_returns_ok, Enum.uniq(bumped), if(bumps == 0, do: [], else: [:ok])),
         :ok <- expect(:stats_counts_requests, Stats.get(), %{requests: length(numbers) + bumps}) do
      Process.exit(sup, :shutdown)
      :ok
    end
  end
end
