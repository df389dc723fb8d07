defmodule Scenario do
  def run do
    Process.flag(:trap_exit, true)
    {:ok, sup} = ParserApp.start_link()
    stats = Process.whereis(Stats)

    for text <- ["x1", "", "4.5", "seven", "--", "0x1F"] do
      try do
        Parser.parse(text)
      catch
        :exit, _ -> :crashed
      end

      # Leave the supervisor time to restart the parser before the next one.
      Process.sleep(20)
    end

    cond do
      not Process.alive?(sup) -> {:error, :supervisor_gave_up}
      Process.whereis(Stats) != stats -> {:error, :sibling_restarted}
      true -> check_parser()
    end
  end

  defp check_parser do
    case Parser.parse("42") do
      {:ok, 42} -> :ok
      other -> {:error, {:parser_broken, other}}
    end
  catch
    :exit, reason -> {:error, {:parser_down, reason}}
  end
end
