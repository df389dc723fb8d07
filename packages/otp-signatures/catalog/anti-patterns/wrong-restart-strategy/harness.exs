defmodule Scenario do
  def run do
    {:ok, sup} = DB.start_link()
    Process.unlink(sup)
    {:ok, _} = Repo.query("select 1")

    old = Process.whereis(Conn)
    Process.exit(old, :kill)

    with :ok <- await_new_conn(old, 100) do
      # Handled by the supervisor only after it has finished restarting.
      _ = Supervisor.which_children(sup)

      try do
        case Repo.query("select 2") do
          {:ok, {:rows, "select 2"}} -> :ok
          other -> {:error, {:bad_reply, other}}
        end
      catch
        :exit, reason -> {:error, {:stale_dependency, reason}}
      end
    end
  end

  defp await_new_conn(_old, 0), do: {:error, :conn_not_restarted}

  defp await_new_conn(old, tries) do
    case Process.whereis(Conn) do
      pid when is_pid(pid) and pid != old -> :ok
      _ ->
        Process.sleep(10)
        await_new_conn(old, tries - 1)
    end
  end
end
