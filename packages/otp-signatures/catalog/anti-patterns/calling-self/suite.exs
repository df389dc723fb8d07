defmodule Scenario do
  # Pass-to-pass: add and items (total is what the harness checks).
  import FixBugSuite

  def run do
    {:ok, pid} = Cart.start()
    empty = Cart.items()
    added = for i <- 1..int(1, 6), do: {pick([:book, :pen, :lamp, :mug]), int(1, 500) + i}
    replies = for {item, price} <- added, do: Cart.add(item, price)

    with :ok <- expect(:start_registers_the_name, Process.whereis(Cart), pid),
         :ok <- expect(:items_of_an_empty_cart, empty, []),
         :ok <- expect(:add_returns_ok, Enum.uniq(replies), [:ok]) do
      # Newest first, as the original keeps them.
      expect(:items_after_adds, Cart.items(), Enum.reverse(added))
    end
  end
end
