# Entry point of the design probe (project code, trusted): find the top
# supervisor of a compiled skeleton, start a fresh tree per requirement, run
# its checker, stop the tree. Returns a JSON-friendly map (binaries only).
defmodule OtpforgeDesignProbe do
  alias OtpforgeDesignProbe.{Tree, Checks}

  def run(cfg) do
    Process.flag(:trap_exit, true)
    quiet_logs(fn -> run_checks(cfg) end)
  end

  defp run_checks(cfg) do
    case find_top(cfg) do
      {:error, why, tried} ->
        %{"started" => false, "startError" => why, "top" => tried, "via" => nil, "tree" => nil, "results" => []}

      {:ok, top, via, tree} ->
        results = Enum.map(cfg.requirements, &run_one(&1, top, cfg))

        %{
          "started" => true,
          "startError" => nil,
          "top" => Tree.describe_top(top),
          "via" => via,
          "tree" => tree,
          "results" => results
        }
    end
  end

  defp run_one(req, top, cfg) do
    case Tree.start(top, Map.get(req, :start_opts, cfg.start_opts), cfg.start_timeout_ms) do
      {:error, why} ->
        result(req, false, "the tree did not start for this check: #{why}")

      {:ok, pid} ->
        outcome =
          try do
            Checks.check(req, pid, cfg)
          catch
            kind, reason -> {:fail, "the check itself failed: #{Tree.format_error(kind, reason)}"}
          end

        Tree.stop(pid)

        case outcome do
          {:pass, detail} -> result(req, true, detail)
          {:fail, detail} -> result(req, false, detail)
          {:error, detail} -> result(req, false, detail)
          other -> result(req, false, "unexpected check outcome #{Tree.short(other)}")
        end
    end
  end

  defp result(req, pass, detail) do
    %{"id" => req.id, "kind" => Atom.to_string(req.kind), "pass" => pass, "detail" => detail}
  end

  # The conventional top module first; then the fallback candidates the
  # caller found in the source (supervisors not started by another module,
  # then Application modules). The first that starts and stays up wins.
  defp find_top(cfg) do
    conventional = {:supervisor, cfg.top}

    cond do
      loaded_supervisor?(cfg.top) ->
        try_top(conventional, "convention", cfg)

      true ->
        fallbacks =
          cfg.candidates
          |> Enum.filter(fn
            {:supervisor, m} -> loaded_supervisor?(m)
            {:application, m} -> Code.ensure_loaded?(m) and function_exported?(m, :start, 2)
          end)

        case fallbacks do
          [] ->
            {:error, "no top supervisor: #{inspect(cfg.top)} with start_link/1 is not defined, and no module that uses Supervisor was found", inspect(cfg.top)}

          [first | _] ->
            case try_top(first, "fallback", cfg) do
              {:ok, _, _, _} = ok -> ok
              {:error, why, tried} -> {:error, "#{inspect(cfg.top)} is not defined; fallback #{why}", tried}
            end
        end
    end
  end

  defp loaded_supervisor?(mod) do
    Code.ensure_loaded?(mod) and
      (function_exported?(mod, :start_link, 1) or function_exported?(mod, :start_link, 0)) and
      Supervisor in List.flatten(Keyword.get_values(mod.module_info(:attributes), :behaviour))
  end

  # A first start that also checks the tree survives a short settle time:
  # workers that crash right after init take a supervisor down within ms.
  defp try_top(top, via, cfg) do
    case Tree.start(top, cfg.start_opts, cfg.start_timeout_ms) do
      {:error, why} ->
        {:error, why, Tree.describe_top(top)}

      {:ok, pid} ->
        mon = Process.monitor(pid)

        receive do
          {:DOWN, ^mon, :process, _, reason} ->
            Tree.flush_exits()
            hint = if reason == :shutdown, do: " (its children crashed more often than its restart intensity allows)", else: ""
            {:error, "#{Tree.describe_top(top)} started but the tree exited within #{cfg.settle_ms} ms with reason #{Tree.short(reason)}#{hint}", Tree.describe_top(top)}
        after
          cfg.settle_ms ->
            Process.demonitor(mon, [:flush])
            tree = Tree.render(pid)
            Tree.stop(pid)
            {:ok, top, via, tree}
        end
    end
  end

  # Fault injection makes supervisors log crash reports; they would drown the
  # job's output. A primary filter is removed again whatever happens.
  defp quiet_logs(fun) do
    id = :otpforge_design_probe_quiet
    _ = :logger.add_primary_filter(id, {fn _event, _ -> :stop end, nil})

    try do
      fun.()
    after
      _ = :logger.remove_primary_filter(id)
    end
  end
end
