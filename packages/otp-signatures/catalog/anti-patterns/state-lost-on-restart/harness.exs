defmodule Scenario do
  def run do
    {:ok, sup} = SessionApp.start_link()
    Process.unlink(sup)

    :ok = Sessions.put("s1", %{user: "alice"})
    :ok = Sessions.put("s2", %{user: "bob"})
    before = Process.whereis(Sessions)

    # A bad request crashes the server; the supervisor restarts it.
    try do
      Sessions.renew("no-such-session")
    catch
      :exit, _ -> :crashed
    end

    with :ok <- await_restart(before, 100) do
      case {Sessions.get("s1"), Sessions.get("s2")} do
        {%{user: "alice"}, %{user: "bob"}} -> :ok
        other -> {:error, {:sessions_lost_on_restart, other}}
      end
    end
  end

  defp await_restart(_old, 0), do: {:error, :not_restarted}

  defp await_restart(old, tries) do
    case Process.whereis(Sessions) do
      pid when is_pid(pid) and pid != old -> :ok
      _ ->
        Process.sleep(10)
        await_restart(old, tries - 1)
    end
  end
end
