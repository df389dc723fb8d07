defmodule Scenario do
  # Pass-to-pass: quotes of items the feed knows, from several clients at once.
  import FixBugSuite

  def run do
    prices =
      Map.new(
        Enum.take_random([:apple, :pear, :plum, :kiwi, :fig], int(1, 4)),
        &{&1, int(1, 500)}
      )

    feed = spawn(fn -> feed(prices) end)
    {:ok, pid} = QuoteService.start(feed)
    asks = for _ <- 1..int(1, 8), do: pick(Map.keys(prices))

    quotes =
      asks
      |> Enum.map(&Task.async(fn -> PriceClient.quote(&1) end))
      |> Enum.map(&Task.await(&1, 2_000))

    result =
      with :ok <- expect(:start_registers_the_name, Process.whereis(QuoteService), pid) do
        expect(:quote_of_known_items, quotes, Enum.map(asks, &{:ok, prices[&1]}))
      end

    Process.exit(feed, :kill)
    result
  end

  defp feed(prices) do
    receive do
      {:price?, item, reply_to} ->
        if price = prices[item], do: send(reply_to, {:price, item, price})
    end

    feed(prices)
  end
end
