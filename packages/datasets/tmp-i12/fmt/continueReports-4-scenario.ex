defmodule Scenario do
  def run do
    {:ok, _} = Feed.start_link(self())
    t1 = Task.async(fn -> GenServer.cast(Feed, {:add, :kiwi}) end)
    t2 = Task.async(fn -> GenServer.cast(Feed, {:add, :fig}) end)
    Task.await(t1)
    Task.await(t2)
    for _ <- 1..2, do: receive(do: ({:report, xs} -> xs))
  end
end
