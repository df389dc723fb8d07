defmodule Scenario do
  def run do
    {:ok, sup} = DB.start_link()
    Process.unlink(sup)
    {:ok, {:rows, "select 1"}} = Repo.query("select 1")
    # The connection dies once or twice; queries differ from run to run.
    Enum.reduce_while(1..Enum.random(1..2), :ok, fn round, :ok ->
      case kill_conn_then_query(sup, "select #{Enum.random(2..999)} -- #{round}") do
        :ok -> {:cont, :ok}
        error -> {:halt, error}
      end
    end)
  end

  defp kill_conn_then_query(sup, sql) do
    old = Process.whereis(Conn)
    Process.exit(old, :kill)

    with :ok <- await_new_conn(old, 100) do
      # Handled by the supervisor only after it has finished restarting.
      _ = Supervisor.which_children(sup)

      try do
        case Repo.query(sql) do
          {:ok, {:rows, ^sql}} -> :ok
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
      pid when is_pid(pid) and pid != old ->
        :ok

      _ ->
        Process.sleep(10)
        await_new_conn(old, tries - 1)
    end
  end
end
