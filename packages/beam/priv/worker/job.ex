defmodule OtpForge.Job do
  @moduledoc false
  # Runs one job in the worker: policy, then a fresh root process that
  # compiles and runs the code under the limits, watched by the runner (the
  # worker's main process, at high priority so a busy job cannot starve it),
  # then cleanup so that the next job sees none of this one.

  alias OtpForge.{Capture, Cleanup, Policy, Root, StderrRouter, Tracer}

  @tick_ms 10

  def run(job) do
    started = System.monotonic_time(:microsecond)
    limits = limits(job)
    trusted = job["trusted"] == true
    files = for f <- job["files"] || [], do: {f["name"] || "file.ex", f["source"] || ""}
    script = job["script"]
    sources = if is_binary(script), do: files ++ [{"script.exs", script}], else: files

    prepared =
      if trusted,
        do: Policy.parse_all(sources),
        else: Policy.check(sources)

    result =
      case prepared do
        {:syntax_error, message} ->
          verdict(:compile_error, message)

        {:violations, vs} ->
          first = hd(vs).message
          more = if length(vs) > 1, do: " (and #{length(vs) - 1} more)", else: ""

          verdict(:policy_violation, first <> more)
          |> Map.put("violations", Enum.map(vs, &%{"message" => &1.message, "line" => &1.line, "file" => &1.file}))

        {:ok, asts} ->
          {file_asts, script_ast} =
            if is_binary(script), do: {Enum.drop(asts, -1), asts |> List.last() |> elem(1)}, else: {asts, nil}

          execute(%{files: file_asts, script: script_ast, call: job["call"], trusted: trusted, trace: job["trace"] == true}, limits)
      end

    Map.put(result, "durationMs", (System.monotonic_time(:microsecond) - started) / 1000)
  end

  defp limits(job) do
    l = job["limits"] || %{}

    %{
      timeout_ms: int(l["timeoutMs"], 10_000),
      max_heap_bytes: int(l["maxHeapBytes"], 256 * 1024 * 1024),
      max_processes: int(l["maxProcesses"], 10_000),
      max_output_bytes: int(l["maxOutputBytes"], 1024 * 1024),
      max_memory_bytes: int(l["maxMemoryBytes"], 1024 * 1024 * 1024),
      max_trace_events: int(l["maxTraceEvents"], 20_000)
    }
  end

  defp int(v, _) when is_integer(v) and v > 0, do: v
  defp int(v, _) when is_float(v) and v > 0, do: trunc(v)
  defp int(_, d), do: d

  defp verdict(status, message), do: %{"status" => Atom.to_string(status), "message" => message}

  defp execute(spec, limits) do
    flush_stale()
    baseline = Cleanup.baseline()
    out = Capture.start(limits.max_output_bytes, self())
    err = Capture.start(limits.max_output_bytes, self())
    StderrRouter.set_target(err)
    tracer = if spec.trace, do: Tracer.start(limits.max_trace_events)
    ref = make_ref()
    runner = self()
    # Applies to every process spawned from now on: the job's, not the worker's.
    words = div(limits.max_heap_bytes, :erlang.system_info(:wordsize))
    :erlang.system_flag(:max_heap_size, %{size: words, kill: true, error_logger: true})
    root = spawn(fn -> Root.main(ref, runner, spec) end)
    Process.group_leader(root, out)
    mref = Process.monitor(root)
    send(root, {:otpforge_go, ref})

    deadline = System.monotonic_time(:millisecond) + limits.timeout_ms
    st = %{ref: ref, mref: mref, root: root, deadline: deadline, limits: limits, baseline: baseline, tracer: tracer, out: out, err: err}
    outcome = watch(st)
    where = if elem(outcome, 0) == :timeout, do: whereabouts(root), else: nil
    :erlang.system_flag(:max_heap_size, 0)
    outcome = late_notices(outcome, out)

    events =
      if tracer do
        Tracer.stop(tracer, Cleanup.job_processes(baseline, out), %{root: root, infra: [out, err, self()]})
      end

    # A spawn bomb is stopped before anything else (Logger is flooded with its crash reports).
    if elem(outcome, 0) == :process_limit, do: Cleanup.run(baseline, out, bomb: true, infra: Enum.reject([out, err, tracer], &is_nil/1))
    flush_logger()
    {stdout, _} = Capture.contents(out)
    {stderr, _} = Capture.contents(err)
    StderrRouter.set_target(nil)
    compiled =
      receive do
        {:otpforge_modules, ^ref, mods} -> mods
      after
        0 -> []
      end

    health = Cleanup.run(baseline, out, tracer_used: tracer != nil or spec.trusted, compiled: compiled)
    Capture.stop(out)
    Capture.stop(err)
    if tracer, do: Process.exit(tracer, :kill)

    outcome
    |> to_result(limits, where)
    |> Map.merge(%{"stdout" => stdout, "stderr" => stderr, "health" => health})
    |> then(fn r ->
      case events do
        nil -> r
        {evs, truncated} -> Map.merge(r, %{"trace" => evs, "traceTruncated" => truncated})
      end
    end)
  end

  defp watch(st) do
    remaining = st.deadline - System.monotonic_time(:millisecond)

    if remaining <= 0 do
      {:timeout}
    else
      receive do
        {:otpforge_done, ref, res} when ref == st.ref -> {:done, res}
        {:DOWN, mref, :process, _, reason} when mref == st.mref -> {:root_down, reason}
        {:otpforge_output_limit, pid} when pid in [st.out, st.err] -> {:output_limit}
        {:otpforge_heap_kill, gl} when gl == st.out -> {:heap_limit}
        {:otpforge_violation, message} -> {:violation, message}
        # Tracing starts once the job's files are compiled: the compiler's own messages are not the job's.
        {:otpforge_compiled, ref} when ref == st.ref ->
          if st.tracer, do: Tracer.trace(st.tracer, st.root)
          send(st.root, {:otpforge_trace_on, ref})
          watch(st)
      after
        min(remaining, @tick_ms) ->
          cond do
            :erlang.system_info(:process_count) - st.baseline.count > st.limits.max_processes -> {:process_limit}
            :erlang.memory(:total) - st.baseline.memory > st.limits.max_memory_bytes -> {:memory_total}
            true -> watch(st)
          end
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
      {tag, _} when tag in [:otpforge_output_limit, :otpforge_heap_kill, :otpforge_violation, :otpforge_compiled] -> flush_stale()
      {tag, _, _} when tag in [:otpforge_modules, :otpforge_done] -> flush_stale()
      {:DOWN, _, _, _, _} -> flush_stale()
    after
      0 -> :ok
    end
  end

  defp whereabouts(root) do
    case Process.info(root, :current_stacktrace) do
      {:current_stacktrace, frames} ->
        frames
        |> Enum.find(fn {m, _, _, _} -> m not in [:gen, :proc_lib, :erl_eval, :elixir, OtpForge.Root, :elixir_compiler] end)
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

  defp to_result({:done, {status, message}}, _limits, _), do: %{"status" => Atom.to_string(status), "message" => message}

  defp to_result({:root_down, reason}, _limits, _) do
    text =
      case reason do
        {%{__exception__: true} = e, stack} when is_list(stack) -> Exception.format_banner(:error, e, stack)
        _ -> Exception.format_exit(reason)
      end

    verdict(:runtime_error, "the job's main process exited: " <> first_line(text))
  end

  defp to_result({:timeout}, l, where),
    do: verdict(:timeout, "the job did not finish within #{l.timeout_ms} ms (limits.timeoutMs)#{where}; its processes were killed")

  defp to_result({:heap_limit}, l, _),
    do: verdict(:memory_limit, "a job process exceeded the heap limit of #{mb(l.max_heap_bytes)} (limits.maxHeapBytes) and was killed")

  defp to_result({:memory_total}, l, _),
    do: verdict(:memory_limit, "the job grew the VM's memory by more than #{mb(l.max_memory_bytes)} (limits.maxMemoryBytes); it was stopped")

  defp to_result({:process_limit}, l, _),
    do: verdict(:runtime_error, "system_limit: the job had more than #{l.max_processes} live processes (limits.maxProcesses); it was stopped")

  defp to_result({:output_limit}, l, _),
    do: verdict(:output_limit, "the job printed more than #{l.max_output_bytes} bytes (limits.maxOutputBytes); the output was truncated and the job stopped")

  defp to_result({:violation, message}, _l, _), do: verdict(:policy_violation, message)

  defp mb(bytes) when bytes >= 1024 * 1024, do: "#{Float.round(bytes / (1024 * 1024), 1)} MB"
  defp mb(bytes), do: "#{bytes} bytes"

  def first_line(text), do: text |> String.split("\n", parts: 2) |> hd() |> String.trim()
end

defmodule OtpForge.Root do
  @moduledoc false
  # The job's main process: compiles the job's files, evaluates its script,
  # makes its call, and reports the value (inspect text and JSON) or the
  # error with its place in the job's sources.

  alias OtpForge.{Allowlist, Guard, JSON}

  @max_value_bytes 1_000_000

  def main(ref, runner, spec) do
    receive do
      {:otpforge_go, ^ref} -> :ok
    end

    names = Enum.map(spec.files, &elem(&1, 0)) ++ ["script.exs"]
    spec = Map.merge(spec, %{ref: ref, runner: runner})

    result =
      try do
        run(spec)
      catch
        kind, reason -> {:runtime_error, describe(kind, reason, __STACKTRACE__, names)}
      end

    send(runner, {:otpforge_done, ref, result})
    # Stay until cleanup: main's own exit would otherwise race the end of the trace.
    receive do
      :otpforge_never -> :ok
    end
  end

  defp run(spec) do
    with :ok <- compile_files(spec),
         :ok <- await_tracing(spec),
         {:ok, value} <- eval_script(spec.script),
         {:ok, value} <- make_call(spec.call, value, spec.trusted) do
      {:ok, inspect_value(value), json_value(value)}
    end
  end

  defp compile_files(spec), do: compile_files(spec.files, spec, [])

  defp compile_files([], spec, mods) do
    send(spec.runner, {:otpforge_modules, spec.ref, mods})
    :ok
  end

  defp compile_files([{name, ast} | rest], spec, mods) do
    try do
      compiled = Code.compile_quoted(ast, name)
      compile_files(rest, spec, Enum.map(compiled, &elem(&1, 0)) ++ mods)
    rescue
      e in [CompileError, SyntaxError, TokenMissingError, Kernel.TypespecError] ->
        {:compile_error, compile_message(e)}
    end
  end

  defp await_tracing(%{trace: true, ref: ref, runner: runner}) do
    send(runner, {:otpforge_compiled, ref})

    receive do
      {:otpforge_trace_on, ^ref} -> :ok
    end
  end

  defp await_tracing(_), do: :ok

  defp eval_script(nil), do: {:ok, nil}

  defp eval_script(ast) do
    try do
      {value, _binding} = Code.eval_quoted(ast, [], file: "script.exs")
      {:ok, value}
    rescue
      e in [CompileError, SyntaxError, TokenMissingError] -> {:compile_error, compile_message(e)}
    end
  end

  defp make_call(nil, value, _), do: {:ok, value}

  defp make_call(call, _value, trusted) do
    args = call["args"] || []

    with {:ok, mod} <- existing_module(call["module"]),
         {:ok, fun} <- existing_fun(mod, call["fun"]) do
      cond do
        not is_list(args) ->
          {:runtime_error, "call.args must be a list"}

        not trusted and not Allowlist.job_module?(mod) and
            (not Allowlist.allowed?(mod, fun) or Guard.guarded?(mod, fun) or Allowlist.atom_maker?(mod, fun)) ->
          {:policy_violation, "#{Allowlist.name(mod)}.#{fun}/#{length(args)} is not allowed in sandboxed code (call)"}

        true ->
          {:ok, apply(mod, fun, args)}
      end
    end
  end

  defp existing_module(":" <> name), do: to_atom(name, "the module :#{name} does not exist")
  defp existing_module(name) when is_binary(name) do
    with {:ok, mod} <- to_atom("Elixir." <> name, "the module #{name} is not defined (define it in the job's files)") do
      if Code.ensure_loaded?(mod), do: {:ok, mod}, else: {:runtime_error, "the module #{name} is not defined (define it in the job's files)"}
    end
  end

  defp existing_module(_), do: {:runtime_error, "call.module must be a string such as \"Counter\""}

  defp existing_fun(mod, fun) when is_binary(fun) do
    case to_atom(fun, nil) do
      {:ok, f} -> {:ok, f}
      _ -> {:runtime_error, "#{Allowlist.name(mod)}.#{fun} is not defined"}
    end
  end

  defp existing_fun(_, _), do: {:runtime_error, "call.fun must be a string"}

  defp to_atom(s, message) do
    {:ok, String.to_existing_atom(s)}
  rescue
    ArgumentError -> {:runtime_error, message}
  end

  defp compile_message(e) do
    text = Exception.format_banner(:error, e)
    line = OtpForge.Job.first_line(text)
    # Elixir >= 1.15 logs the details and raises a generic CompileError.
    if line =~ "errors have been logged", do: line <> " (see stderr)", else: line
  end

  @doc "One line: the exception banner and where in the job's sources it happened."
  def describe(kind, reason, stack, names) do
    banner = OtpForge.Job.first_line(Exception.format_banner(kind, reason, stack))

    where =
      Enum.find_value(stack, fn
        {_m, _f, _a, loc} when is_list(loc) ->
          file = to_string(Keyword.get(loc, :file, ""))
          if file in names, do: " (#{file}:#{Keyword.get(loc, :line, 0)})"

        _ ->
          nil
      end)

    banner <> (where || "")
  end

  defp inspect_value(value) do
    text = inspect(value, limit: 100_000, printable_limit: @max_value_bytes, width: :infinity)
    if byte_size(text) > @max_value_bytes, do: binary_part(text, 0, @max_value_bytes) <> "...[truncated]", else: text
  end

  defp json_value(value) do
    case JSON.encode(value) do
      {:ok, iodata} ->
        bin = IO.iodata_to_binary(iodata)
        if byte_size(bin) <= @max_value_bytes * 4, do: bin, else: nil

      :error ->
        nil
    end
  end
end
