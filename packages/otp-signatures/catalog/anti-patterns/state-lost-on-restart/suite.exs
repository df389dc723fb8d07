defmodule Scenario do
  # Pass-to-pass: put, get, renew of known sessions, no fault.
  import FixBugSuite

  def run do
    Process.flag(:trap_exit, true)
    {:ok, sup} = SessionApp.start_link()
    id = word()
    data = %{user: word(), since: int(1, 1_000)}
    renewals = int(1, 5)

    with :ok <- expect(:get_of_an_unknown_id, Sessions.get(word(8)), nil),
         :ok <- expect(:put_returns_ok, Sessions.put(id, data), :ok),
         :ok <- expect(:get_after_put, Sessions.get(id), data),
         :ok <-
           expect(:renew_returns_ok, Enum.uniq(for _ <- 1..renewals, do: Sessions.renew(id)), [
             :ok
           ]),
         :ok <-
           expect(:renew_counts_renewals, Sessions.get(id), Map.put(data, :renewals, renewals)),
         :ok <- expect(:put_overwrites, Sessions.put(id, %{user: "x"}), :ok),
         :ok <- expect(:get_after_overwrite, Sessions.get(id), %{user: "x"}) do
      Process.exit(sup, :shutdown)
      :ok
    end
  end
end
