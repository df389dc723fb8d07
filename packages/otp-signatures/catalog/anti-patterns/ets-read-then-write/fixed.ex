defmodule HitCounter do
  # A public ETS table shared by every request process.
  def new, do: :ets.new(:hit_counter, [:set, :public, write_concurrency: true])

  # update_counter reads, adds and writes as one atomic operation on the
  # table; the default tuple creates the row on first use.
  def hit(table, page) do
    :ets.update_counter(table, page, 1, {page, 0})
    :ok
  end

  def count(table, page) do
    case :ets.lookup(table, page) do
      [{^page, count}] -> count
      [] -> 0
    end
  end
end
