defmodule Scenario do
  @clients 40
  @increments_each 25

  def run do
    {:ok, _pid} = Counter.start()

    1..@clients
    |> Enum.map(fn _ ->
      Task.async(fn -> for _ <- 1..@increments_each, do: Counter.increment() end)
    end)
    |> Enum.each(&Task.await(&1, 5_000))

    expected = @clients * @increments_each

    case Counter.get() do
      ^expected -> :ok
      got -> {:error, {:lost_updates, expected - got}}
    end
  end
end
