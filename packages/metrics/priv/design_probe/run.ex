# Entry point of the design probe: find the top supervisor of a compiled
# skeleton, start a fresh tree per requirement, run its checker, stop the
# tree. Returns a JSON-friendly map (binaries, booleans, nil only).
#
# cfg.tops lists the ways to start the system, the conventional module first:
#   %{label, via: "convention" | "fallback", defined: boolean, start: fn opts -> ... end}
defmodule OtpForge.DesignProbe do
  alias OtpForge.DesignProbe.{Tree, Checks}

  def run(cfg) do
    Process.flag(:trap_exit, true)

    case find_top(cfg) do
      {:error, why, tried} ->
        %{
          "started" => false,
          "startError" => why,
          "top" => tried,
          "via" => nil,
          "tree" => nil,
          "results" => []
        }

      {:ok, top, tree} ->
        %{
          "started" => true,
          "startError" => nil,
          "top" => top.label,
          "via" => top.via,
          "tree" => tree,
          "results" => Enum.map(cfg.requirements, &run_one(&1, top, cfg))
        }
    end
  end

  defp run_one(req, top, cfg) do
    names_before = OtpForge.DesignProbe.Cleanup.before()
    OtpForge.DesignProbe.Steps.mark_start()

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

        OtpForge.DesignProbe.Cleanup.finish(pid, names_before)

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

  # The conventional top module when the skeleton defines it; otherwise the
  # first fallback the caller found in the source (a supervisor no other
  # module starts, or an Application). It must start, be a supervisor, and
  # stay up for a short settle time.
  defp find_top(cfg) do
    [conventional | fallbacks] = cfg.tops

    cond do
      conventional.defined ->
        try_top(conventional, cfg)

      true ->
        case Enum.find(fallbacks, & &1.defined) do
          nil ->
            {:error,
             "no top supervisor: #{conventional.module} with start_link/1 is not defined, and no module that uses Supervisor was found",
             conventional.module}

          top ->
            case try_top(top, cfg) do
              {:ok, _, _} = ok ->
                ok

              {:error, why, tried} ->
                {:error, "#{conventional.module} is not defined; fallback #{why}", tried}
            end
        end
    end
  end

  # Workers that crash right after init take a supervisor down within ms, so
  # the first start also watches the tree for a moment.
  defp try_top(top, cfg) do
    case Tree.start(top, cfg.start_opts, cfg.start_timeout_ms) do
      {:error, why} ->
        {:error, why, top.label}

      {:ok, pid} ->
        mon = Process.monitor(pid)

        receive do
          {:DOWN, ^mon, :process, _, reason} ->
            Tree.flush_exits()

            hint =
              if reason == :shutdown,
                do: " (its children crashed more often than its restart intensity allows)",
                else: ""

            {:error,
             "#{top.label} started but the tree exited within #{cfg.settle_ms} ms with reason #{Tree.short(reason)}#{hint}",
             top.label}
        after
          cfg.settle_ms ->
            Process.demonitor(mon, [:flush])

            case Tree.sup_info(pid) do
              {:ok, _} ->
                tree = Tree.render(pid)
                Tree.stop(pid)
                {:ok, top, tree}

              {:error, _} ->
                Tree.stop(pid)
                {:error, "#{top.label} started a process that is not a supervisor", top.label}
            end
        end
    end
  end
end
