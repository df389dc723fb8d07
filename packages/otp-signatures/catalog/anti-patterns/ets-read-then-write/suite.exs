defmodule Scenario do
  # Pass-to-pass: one client at a time, pages and counts from the run's seed.
  import FixBugSuite

  def run do
    table = HitCounter.new()
    pages = for i <- 1..int(2, 5), do: {"/" <> word() <> Integer.to_string(i), int(1, 40)}
    replies = for {page, n} <- pages, _ <- 1..n, do: HitCounter.hit(table, page)
    other = HitCounter.new()
    {first, n1} = hd(pages)
    :ok = HitCounter.hit(other, first)

    with :ok <- expect(:hit_returns_ok, Enum.uniq(replies), [:ok]),
         :ok <-
           expect(
             :count_per_page,
             for({page, _} <- pages, do: HitCounter.count(table, page)),
             Enum.map(pages, &elem(&1, 1))
           ),
         :ok <- expect(:count_of_unknown_page, HitCounter.count(table, "/" <> word(9)), 0),
         :ok <-
           expect(
             :tables_are_independent,
             {HitCounter.count(other, first), HitCounter.count(table, first)},
             {1, n1}
           ) do
      :ok
    end
  end
end
