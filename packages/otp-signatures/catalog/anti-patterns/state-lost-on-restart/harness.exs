defmodule Scenario do
  def run do
    {:ok, sup} = SessionApp.start_link()
    Process.unlink(sup)

    # Ids and data change from run to run (nothing can be seeded in init/1).
    sessions =
      for i <- 1..Enum.random(2..5),
          do:
            {"s#{Enum.random(100..999)}-#{i}",
             %{user: Enum.random(["alice", "bob", "carol", "dan"]), n: i}}

    for {id, data} <- sessions, do: :ok = Sessions.put(id, data)
    before = Process.whereis(Sessions)

    # A bad request: a fix may crash on it (the supervisor restarts the
    # server) or refuse it; either way no session may be lost.
    try do
      Sessions.renew("no-such-session")
    catch
      :exit, _ -> :crashed
    end

    with :ok <- await_running(before, 100) do
      expected = for {_, data} <- sessions, do: data

      case for({id, _} <- sessions, do: Sessions.get(id)) do
        ^expected -> :ok
        other -> {:error, {:sessions_lost_on_restart, other}}
      end
    end
  end

  # The server is back (a new pid) or never went away (the same pid, alive).
  defp await_running(_old, 0), do: {:error, :not_restarted}

  defp await_running(old, tries) do
    case Process.whereis(Sessions) do
      pid when is_pid(pid) and pid != old -> :ok
      ^old -> if Process.alive?(old), do: :ok, else: retry(old, tries)
      _ -> retry(old, tries)
    end
  end

  defp retry(old, tries) do
    Process.sleep(10)
    await_running(old, tries - 1)
  end
end
