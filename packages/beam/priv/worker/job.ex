defmodule OtpForge.Job do
  @moduledoc false
  # Runs one job in the worker: policy, then a fresh root process that
  # compiles and runs the code under the limits, watched by the runner (the
  # worker's main process, at high priority so a busy job cannot starve it),
  # then cleanup so that the next job sees none of this one.

  alias OtpForge.{Capture, Cleanup, Policy, Root, StderrRouter}

  @tick_ms 10

  def run(job) do
    started = System.monotonic_time(:microsecond)
    limits = limits(job)
    trusted = job["trusted"] == true
    files = for f <- job["files"] || [], do: {f["name"] || "file.ex", f["source"] || ""}
    script = job["script"]
    sources = if is_binary(script), do: files ++ [{"script.exs", script}], else: files

    explore = job["explore"]
    controlled = if is_map(explore), do: controlled_files(explore, trusted, sources), else: []

    prepared =
      if trusted,
        do: prepare_trusted(sources, controlled),
        else: Policy.check(sources, explore: is_map(explore))

    result =
      case prepared do
        {:syntax_error, message} ->
          verdict(:compile_error, message)

        {:violations, vs} ->
          first = hd(vs).message
          more = if length(vs) > 1, do: " (and #{length(vs) - 1} more)", else: ""

          verdict(:policy_violation, first <> more)
          |> Map.put(
            "violations",
            Enum.map(vs, &%{"message" => &1.message, "line" => &1.line, "file" => &1.file})
          )

        {:ok, asts} ->
          # The explorer's rewrite runs on code the policy accepted as written.
          asts =
            for {name, ast} <- asts,
                do:
                  {name,
                   if(name in controlled, do: OtpForge.Explore.Rewrite.rewrite(ast), else: ast)}

          {file_asts, script_ast} =
            if is_binary(script),
              do: {Enum.drop(asts, -1), asts |> List.last() |> elem(1)},
              else: {asts, nil}

          execute(
            %{
              files: file_asts,
              script: script_ast,
              call: job["call"],
              trusted: trusted,
              explore: if(is_map(explore), do: explore)
            },
            limits
          )
      end

    Map.put(result, "durationMs", (System.monotonic_time(:microsecond) - started) / 1000)
  end

  # The files whose processes the explorer schedules: all of an untrusted job's; of a trusted job
  # (the trace generator: its observer is trusted, the world it observes is not), those named in
  # explore.controlled.
  defp controlled_files(_explore, false, sources), do: Enum.map(sources, &elem(&1, 0))

  defp controlled_files(explore, true, _sources),
    do: List.wrap(explore["controlled"]) |> Enum.filter(&is_binary/1)

  # A trusted job's controlled files pass the policy as any job's code does (the guards the
  # explorer rewrites into choice points are the policy's); the rest is parsed as written.
  defp prepare_trusted(sources, []), do: Policy.parse_all(sources)

  defp prepare_trusted(sources, controlled) do
    {checked, plain} = Enum.split_with(sources, fn {name, _} -> name in controlled end)

    with {:ok, checked_asts} <- Policy.check(checked, explore: true),
         {:ok, plain_asts} <- Policy.parse_all(plain) do
      by_name = Map.new(checked_asts ++ plain_asts)
      {:ok, for({name, _} <- sources, do: {name, Map.fetch!(by_name, name)})}
    end
  end

  defp limits(job) do
    l = job["limits"] || %{}

    %{
      timeout_ms: int(l["timeoutMs"], 10_000),
      max_heap_bytes: int(l["maxHeapBytes"], 256 * 1024 * 1024),
      max_processes: int(l["maxProcesses"], 10_000),
      max_output_bytes: int(l["maxOutputBytes"], 1024 * 1024),
      max_memory_bytes: int(l["maxMemoryBytes"], 1024 * 1024 * 1024)
    }
  end

  defp int(v, _) when is_integer(v) and v > 0, do: v
  defp int(v, _) when is_float(v) and v > 0, do: trunc(v)
  defp int(_, d), do: d

  defp verdict(status, message), do: %{"status" => Atom.to_string(status), "message" => message}

  defp execute(spec, limits) do
    flush_stale()

    # A trusted job may quiet the Logger for its run (the trace generator does); the next job gets it back.
    log_level = Logger.level()
    baseline = Cleanup.baseline()
    pterm_baseline()
    out = Capture.start(limits.max_output_bytes, self())
    err = Capture.start(limits.max_output_bytes, self())
    StderrRouter.set_target(err)
    ref = make_ref()
    runner = self()
    # Applies to every process spawned from now on: the job's, not the worker's.
    words = div(limits.max_heap_bytes, :erlang.system_info(:wordsize))
    :erlang.system_flag(:max_heap_size, %{size: words, kill: true, error_logger: true})
    root = spawn(fn -> Root.main(ref, runner, Map.put(spec, :stderr, err)) end)
    Process.group_leader(root, out)
    mref = Process.monitor(root)
    send(root, {:otpforge_go, ref})

    deadline = System.monotonic_time(:millisecond) + limits.timeout_ms

    st = %{
      ref: ref,
      mref: mref,
      root: root,
      deadline: deadline,
      limits: limits,
      baseline: baseline,
      out: out,
      err: err
    }

    outcome = watch(st)
    where = if elem(outcome, 0) == :timeout, do: whereabouts(root), else: nil
    :erlang.system_flag(:max_heap_size, 0)
    outcome = late_notices(outcome, out)

    # Exit reasons are put into words now, while the job's modules (its exceptions) are loaded.
    outcome = describe_outcome(outcome, spec, out, limits)

    # A spawn bomb is stopped before anything else (Logger is flooded with its crash reports).
    if elem(outcome, 0) == :process_limit,
      do: Cleanup.run(baseline, out, bomb: true, infra: [out, err])

    flush_logger()
    if Logger.level() != log_level, do: Logger.configure(level: log_level)
    {stdout, _} = Capture.contents(out)
    {stderr, _} = Capture.contents(err)
    StderrRouter.set_target(nil)
    compiled = compiled_modules(ref, [])

    # Trusted jobs (the trace generator's driver) may set global trace patterns of their own.
    health = Cleanup.run(baseline, out, tracer_used: spec.trusted, compiled: compiled)
    Capture.stop(out)
    Capture.stop(err)

    outcome
    |> to_result(limits, where)
    |> Map.merge(%{"stdout" => stdout, "stderr" => stderr, "health" => health})
  end

  defp watch(st) do
    remaining = st.deadline - System.monotonic_time(:millisecond)

    if remaining <= 0 do
      {:timeout}
    else
      receive do
        {:otpforge_done, ref, res} when ref == st.ref -> confirm_done(st, res)
        {:DOWN, mref, :process, _, reason} when mref == st.mref -> {:root_down, reason}
        {:otpforge_output_limit, pid} when pid in [st.out, st.err] -> {:output_limit}
        {:otpforge_heap_kill, gl} when gl == st.out -> {:heap_limit}
        {:otpforge_violation, message} -> {:violation, message}
      after
        min(remaining, @tick_ms) ->
          cond do
            :erlang.system_info(:process_count) - st.baseline.count > st.limits.max_processes ->
              {:process_limit}

            :erlang.memory(:total) - st.baseline.memory > st.limits.max_memory_bytes ->
              {:memory_total}

            true ->
              watch(st)
          end
      end
    end
  end

  # The result message carries a ref that lives in the root's stack, so code that
  # got past the guards could send one. A result counts only once the root has
  # really finished (it waits in its last receive, in Root.main/3, after sending
  # its own), and only if it is the only one: a second result means a forgery.
  defp confirm_done(st, res) do
    if wait_root_finished(st.root, 2_000) do
      receive do
        {:otpforge_done, ref, _} when ref == st.ref ->
          {:violation,
           "a process of the job sent the runner a result (a forged verdict); nothing it claimed was kept"}
      after
        0 -> {:done, res}
      end
    else
      {:violation,
       "the runner received a result while the job was still running (a forged verdict); nothing it claimed was kept"}
    end
  end

  defp wait_root_finished(root, ms) do
    case Process.info(root, [:current_function, :status]) do
      [current_function: {OtpForge.Root, :main, 3}, status: :waiting] ->
        true

      nil ->
        false

      _ when ms <= 0 ->
        false

      _ ->
        receive do
        after
          1 -> wait_root_finished(root, ms - 1)
        end
    end
  end

  # A heap kill is reported through the logger, possibly after the process's
  # DOWN; a guard violation may race the root's result.
  defp late_notices(outcome, out) do
    receive do
      {:otpforge_violation, message} -> {:violation, message}
      {:otpforge_heap_kill, ^out} -> {:heap_limit}
    after
      wait_for(outcome) -> outcome
    end
  end

  defp wait_for({:root_down, :killed}), do: 200
  defp wait_for(_), do: 0

  # Notices that arrived after their job ended must not decide the next one.
  defp flush_stale do
    receive do
      {tag, _} when tag in [:otpforge_output_limit, :otpforge_heap_kill, :otpforge_violation] ->
        flush_stale()

      {tag, _, _} when tag in [:otpforge_modules, :otpforge_done] ->
        flush_stale()

      {:DOWN, _, _, _, _} ->
        flush_stale()
    after
      0 -> :ok
    end
  end

  # The :persistent_term keys that exist before the job are the runtime's (or
  # an earlier run's of the same tenant): OtpForge.Guard refuses to change them.
  # A table the runner owns, so job code can neither write nor read it.
  defp pterm_baseline do
    if :ets.whereis(:otpforge_pterm_baseline) == :undefined,
      do: :ets.new(:otpforge_pterm_baseline, [:named_table, :protected, :set])

    :ets.delete_all_objects(:otpforge_pterm_baseline)
    :ets.insert(:otpforge_pterm_baseline, for({k, _} <- :persistent_term.get(), do: {k}))
  end

  # The job's files and, for untrusted jobs, its script each report what they compiled.
  defp compiled_modules(ref, acc) do
    receive do
      {:otpforge_modules, ^ref, mods} -> compiled_modules(ref, mods ++ acc)
    after
      0 -> acc
    end
  end

  defp whereabouts(root) do
    case Process.info(root, :current_stacktrace) do
      {:current_stacktrace, frames} ->
        frames
        |> Enum.find(fn {m, _, _, _} ->
          m not in [:gen, :proc_lib, :erl_eval, :elixir, OtpForge.Root, :elixir_compiler]
        end)
        |> case do
          {m, f, a, _} -> " (main was in #{Exception.format_mfa(m, f, a)})"
          nil -> ""
        end

      _ ->
        ""
    end
  end

  # So that what the job logged reaches its stderr; bounded, a flooded Logger must not hang the worker.
  defp flush_logger do
    if Process.whereis(Logger) do
      {pid, ref} = spawn_monitor(fn -> Logger.flush() end)

      receive do
        {:DOWN, ^ref, _, _, _} -> :ok
      after
        1000 -> Process.exit(pid, :kill)
      end
    end

    :ok
  end

  defp to_result({:done, {:ok, text, json}}, _limits, _) do
    r = %{"status" => "ok", "message" => "ok", "value" => text}
    if json, do: Map.put(r, "valueJson", {:raw_json, json}), else: r
  end

  defp to_result({:done, {:policy_violation, message, violation}}, _limits, _),
    do: verdict(:policy_violation, message) |> Map.put("violations", [violation])

  defp to_result({:done, {status, message}}, _limits, _),
    do: %{"status" => Atom.to_string(status), "message" => message}

  defp to_result({:root_down_text, text}, _limits, _),
    do: verdict(:runtime_error, "the job's main process exited: " <> text)

  defp to_result({:timeout}, l, where),
    do:
      verdict(
        :timeout,
        "the job did not finish within #{l.timeout_ms} ms (limits.timeoutMs)#{where}; its processes were killed"
      )

  defp to_result({:heap_limit}, l, _),
    do:
      verdict(
        :memory_limit,
        "a job process exceeded the heap limit of #{mb(l.max_heap_bytes)} (limits.maxHeapBytes) and was killed"
      )

  defp to_result({:memory_total}, l, _),
    do:
      verdict(
        :memory_limit,
        "the job grew the VM's memory by more than #{mb(l.max_memory_bytes)} (limits.maxMemoryBytes); it was stopped"
      )

  defp to_result({:process_limit}, l, _),
    do:
      verdict(
        :runtime_error,
        "system_limit: the job had more than #{l.max_processes} live processes (limits.maxProcesses); it was stopped"
      )

  defp to_result({:output_limit}, l, _),
    do:
      verdict(
        :output_limit,
        "the job printed more than #{l.max_output_bytes} bytes (limits.maxOutputBytes); the output was truncated and the job stopped"
      )

  defp to_result({:violation, message}, _l, _), do: verdict(:policy_violation, message)

  defp describe_outcome({:root_down, reason}, spec, out, limits) do
    text =
      in_job(spec, out, limits, 2_000, fn -> exit_text(reason) end, fn ->
        first_line(inspect(reason, structs: false, limit: 20, printable_limit: 500))
      end)

    {:root_down_text, text}
  end

  defp describe_outcome(outcome, _spec, _out, _limits), do: outcome

  defp exit_text(reason) do
    text =
      case reason do
        {%{__exception__: true} = e, stack} when is_list(stack) ->
          Exception.format_banner(:error, e, stack)

        _ ->
          Exception.format_exit(reason)
      end

    first_line(text)
  end

  # Formatting a job's terms may call the job's own code (its Inspect or
  # message/1 implementations). For untrusted jobs that never happens in the
  # runner: it runs in a process of the job (its group leader, its heap limit),
  # and if it does not answer in time the fallback (no job code) is used.
  defp in_job(%{trusted: true}, _out, _limits, _timeout, fun, _fallback), do: fun.()

  defp in_job(_spec, out, limits, timeout, fun, fallback) do
    ref = make_ref()
    parent = self()
    words = div(limits.max_heap_bytes, :erlang.system_info(:wordsize))

    pid =
      :erlang.spawn_opt(
        fn ->
          receive do
            {:otpforge_go, ^ref} -> send(parent, {ref, :otpforge_formatted, fun.()})
          end
        end,
        [{:max_heap_size, %{size: words, kill: true, error_logger: false}}]
      )

    Process.group_leader(pid, out)
    mref = Process.monitor(pid)
    send(pid, {:otpforge_go, ref})

    receive do
      {^ref, :otpforge_formatted, value} ->
        Process.demonitor(mref, [:flush])
        value

      {:DOWN, ^mref, _, _, _} ->
        fallback.()
    after
      timeout ->
        Process.exit(pid, :kill)
        Process.demonitor(mref, [:flush])
        fallback.()
    end
  end

  defp mb(bytes) when bytes >= 1024 * 1024, do: "#{Float.round(bytes / (1024 * 1024), 1)} MB"
  defp mb(bytes), do: "#{bytes} bytes"

  def first_line(text), do: text |> String.split("\n", parts: 2) |> hd() |> String.trim()
end
