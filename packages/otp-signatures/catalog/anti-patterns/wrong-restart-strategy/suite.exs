defmodule Scenario do
  # Pass-to-pass: queries with no fault, from several clients.
  import FixBugSuite

  def run do
    Process.flag(:trap_exit, true)
    {:ok, sup} = DB.start_link()
    queries = for i <- 1..int(1, 6), do: "select #{word()} from t#{i}"

    replies =
      queries
      |> Enum.map(&Task.async(fn -> Repo.query(&1) end))
      |> Enum.map(&Task.await(&1, 2_000))

    with :ok <- expect(:query_replies_rows, replies, Enum.map(queries, &{:ok, {:rows, &1}})),
         :ok <- expect(:supervisor_named, Process.whereis(DB.Supervisor), sup) do
      Process.exit(sup, :shutdown)
      :ok
    end
  end
end
