defmodule Scenario do
  def run do
    {:ok, _} = QuoteService.start(spawn(&feed/0))

    with {:ok, {:ok, 3}} <- within(fn -> PriceClient.quote(:apple) end, 1_000),
         {:ok, {:error, :timeout}} <- within(fn -> PriceClient.quote(:durian) end, 1_000) do
      :ok
    else
      :hung -> {:error, :caller_hung}
      other -> {:error, {:unexpected, other}}
    end
  end

  # A feed that knows apples and silently ignores everything else.
  def feed do
    receive do
      {:price?, :apple, reply_to} -> send(reply_to, {:price, :apple, 3})
      {:price?, _unknown, _reply_to} -> :ignored
    end

    feed()
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
