defmodule Scenario do
  def run do
    {:ok, _} = Board.start_link(self())
    t1 = Task.async(fn -> GenServer.cast(Board, {:add, :apple}) end)
    t2 = Task.async(fn -> GenServer.cast(Board, {:add, :pear}) end)
    Task.await(t1)
    Task.await(t2)
    for _ <- 1..2, do: receive(do: ({:report, xs} -> xs))
  end
end
