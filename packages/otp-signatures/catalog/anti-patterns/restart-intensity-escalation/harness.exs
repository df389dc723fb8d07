defmodule Scenario do
  @bad ["x1", "", "4.5", "seven", "--", "0x1F", "1e3", "12abc", "NaN", " 8"]

  def run do
    Process.flag(:trap_exit, true)
    {:ok, sup} = ParserApp.start_link()
    stats = Process.whereis(Stats)
    parser = Process.whereis(Parser)
    # A burst of bad input, of a size and content that change from run to
    # run, with no pause between requests.
    bad = Enum.take_random(@bad, Enum.random(5..9))

    crashes =
      for text <- bad, reduce: 0 do
        n ->
          try do
            case Parser.parse(text) do
              {:ok, _} -> n
              _error -> n
            end
          catch
            :exit, _ -> n + 1
          end
      end

    cond do
      not Process.alive?(sup) ->
        {:error, :supervisor_gave_up}

      Process.whereis(Stats) != stats ->
        {:error, :sibling_restarted}

      # Raising the restart budget hides the crashes, it does not stop them.
      crashes > 0 or Process.whereis(Parser) != parser ->
        {:error, {:parser_crashed_on_bad_input, crashes}}

      true ->
        check_parser()
    end
  end

  defp check_parser do
    n = Enum.random(-999..999)

    case Parser.parse(Integer.to_string(n)) do
      {:ok, ^n} -> :ok
      other -> {:error, {:parser_broken, other}}
    end
  catch
    :exit, reason -> {:error, {:parser_down, reason}}
  end
end
