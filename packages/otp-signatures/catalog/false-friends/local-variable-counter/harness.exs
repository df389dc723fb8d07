defmodule Scenario do
  @clients 40
  @increments_each 25

  def run do
    {:ok, _} = Counter.start()

    replies =
      1..@clients
      |> Enum.map(fn _ ->
        Task.async(fn -> for _ <- 1..@increments_each, do: Counter.get_and_increment() end)
      end)
      |> Enum.flat_map(&Task.await(&1, 5_000))

    total = @clients * @increments_each

    cond do
      Counter.value() != total -> {:error, {:lost_updates, total - Counter.value()}}
      Enum.sort(replies) != Enum.to_list(0..(total - 1)) -> {:error, :duplicate_replies}
      true -> :ok
    end
  end
end
