defmodule Scenario do
  def run do
    {:ok, _} = Tracker.start_link(self())
    t1 = Task.async(fn -> GenServer.cast(Tracker, {:add, :kiwi}) end)
    t2 = Task.async(fn -> GenServer.cast(Tracker, {:add, :apple}) end)
    Task.await(t1)
    Task.await(t2)
    for _ <- 1..2, do: receive(do: ({:report, xs} -> xs))
  end
end
