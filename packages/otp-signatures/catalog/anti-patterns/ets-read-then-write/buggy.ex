defmodule HitCounter do
  # A public ETS table shared by every request process.
  def new, do: :ets.new(:hit_counter, [:set, :public, write_concurrency: true])

  # Lookup and insert are two separate operations on shared state: two
  # processes can read the same count and both write count + 1.
  def hit(table, page) do
    current =
      case :ets.lookup(table, page) do
        [{^page, count}] -> count
        [] -> 0
      end

    :ets.insert(table, {page, current + 1})
    :ok
  end

  def count(table, page) do
    case :ets.lookup(table, page) do
      [{^page, count}] -> count
      [] -> 0
    end
  end
end
