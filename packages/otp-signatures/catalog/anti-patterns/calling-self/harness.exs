defmodule Scenario do
  def run do
    {:ok, _} = Cart.start()
    # The cart's content changes from run to run.
    items =
      for item <- Enum.take_random([:book, :pen, :lamp, :mug, :desk, :ink], Enum.random(1..5)),
          do: {item, Enum.random(1..99)}

    for {item, price} <- items, do: :ok = Cart.add(item, price)
    expected = items |> Enum.map(&elem(&1, 1)) |> Enum.sum()

    try do
      case Cart.total() do
        ^expected -> :ok
        other -> {:error, {:wrong_total, other, expected}}
      end
    catch
      :exit, reason -> {:error, {:total_failed, reason}}
    end
  end
end
