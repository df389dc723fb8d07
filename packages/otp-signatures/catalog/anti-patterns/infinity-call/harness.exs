defmodule Scenario do
  @items [:apple, :pear, :plum, :kiwi, :fig, :lime, :durian, :mango]

  def run do
    # Which items the feed knows, their prices and the item it ignores
    # change from run to run.
    {known, unknown} = Enum.split(Enum.shuffle(@items), Enum.random(2..5))
    prices = Map.new(known, &{&1, Enum.random(1..99)})
    feed = spawn(fn -> feed(prices) end)
    {:ok, _} = QuoteService.start(feed)
    item = hd(known)
    [missing, also_missing | _] = unknown
    price = prices[item]

    result =
      with {:ok, {:ok, ^price}} <- within(fn -> PriceClient.quote(item) end, 1_000),
           {:ok, {:error, _}} <- within(fn -> PriceClient.quote(missing) end, 1_000),
           {:ok, {:error, _}} <- within(fn -> PriceClient.quote(also_missing) end, 1_000) do
        :ok
      else
        :hung -> {:error, :caller_hung}
        other -> {:error, {:unexpected, other}}
      end

    Process.exit(feed, :kill)
    result
  end

  # A feed that knows some prices and silently ignores every other item.
  def feed(prices) do
    receive do
      {:price?, item, reply_to} when is_map_key(prices, item) ->
        send(reply_to, {:price, item, prices[item]})

      {:price?, _unknown, _reply_to} ->
        :ignored
    end

    feed(prices)
  end

  defp within(fun, ms) do
    task = Task.async(fun)

    case Task.yield(task, ms) || Task.shutdown(task, :brutal_kill) do
      {:ok, value} -> {:ok, value}
      nil -> :hung
      {:exit, reason} -> {:exit, reason}
    end
  end
end
