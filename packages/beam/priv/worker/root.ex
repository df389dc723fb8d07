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

    # Stay until cleanup: the runner counts a result only from a root waiting here (Job.confirm_done/2).
    receive do
      :otpforge_never -> :ok
    end
  end

  defp run(spec) do
    # Untrusted code is also checked as the compiler sees it (OtpForge.PolicyTracer).
    # The option is global to the VM: fine, a VM runs one untrusted tenant.
    unless spec.trusted, do: Code.put_compiler_option(:tracers, [OtpForge.PolicyTracer])

    with :ok <- compile_files(spec),
         :ok <- modules_only(spec),
         {:ok, script} <- prepare_script(spec.script, spec),
         {:ok, value} <- script.(),
         {:ok, value} <- explore_or_call(spec, value) do
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
      e in OtpForge.PolicyRefusal ->
        refusal(e)

      e in [CompileError, SyntaxError, TokenMissingError, Kernel.TypespecError] ->
        {:compile_error, compile_message(e)}
    end
  end

  defp muted(spec, fun) do
    sink = spawn(fn -> sink() end)
    send(:standard_error, {:otpforge_target, sink, self()})
    receive do: (:otpforge_target_set -> :ok), after: (5000 -> :ok)

    try do
      fun.()
    after
      send(:standard_error, {:otpforge_target, spec.stderr, self()})
      receive do: (:otpforge_target_set -> :ok), after: (5000 -> :ok)
      Process.exit(sink, :kill)
    end
  end

  defp sink do
    receive do
      {:io_request, from, reply_as, _} -> send(from, {:io_reply, reply_as, :ok})
    end

    sink()
  end

  defp refusal(e),
    do:
      {:policy_violation, e.message,
       %{"message" => e.message, "line" => e.line, "file" => e.file}}

  defp prepare_script(nil, _spec), do: {:ok, fn -> {:ok, nil} end}

  # Code.eval_quoted gives compiler tracers no events, so untrusted scripts are
  # compiled as the body of a function (traced like the files, modules defined
  # inside it included) and then run. The compiler's warnings about that
  # wrapper (unused variables...) are not the job's output: they are dropped.
  defp prepare_script(ast, %{trusted: false} = spec) do
    exprs =
      case ast,
        do:
          (
            {:__block__, _, es} -> es
            e -> [e]
          )

    {modules, rest} = Enum.split_with(exprs, &OtpForge.Policy.module_form?/1)
    # Top-level alias/require/import apply to the modules as they would in order.
    directives = Enum.filter(rest, &directive?/1)

    body = if rest == [], do: nil, else: {:__block__, [], rest}

    wrapper =
      quote do
        defmodule OtpForge.JobScript do
          @moduledoc false
          def run, do: unquote(body)
        end
      end

    compiled =
      try do
        mods =
          if modules == [],
            do: [],
            else: Code.compile_quoted({:__block__, [], directives ++ modules}, "script.exs")

        mods ++ muted(spec, fn -> Code.compile_quoted(wrapper, "script.exs") end)
      rescue
        e in OtpForge.PolicyRefusal ->
          refusal(e)

        e in [CompileError, SyntaxError, TokenMissingError] ->
          {:compile_error, compile_message(e)}
      end

    case compiled do
      mods when is_list(mods) ->
        send(spec.runner, {:otpforge_modules, spec.ref, Enum.map(mods, &elem(&1, 0))})
        {:ok, fn -> {:ok, apply(OtpForge.JobScript, :run, [])} end}

      other ->
        other
    end
  end

  defp directive?({kind, _, _}) when kind in [:alias, :require, :import], do: true
  defp directive?(_), do: false

  defp prepare_script(ast, _spec), do: {:ok, fn -> eval_script(ast) end}

  defp eval_script(ast) do
    try do
      {value, _binding} = Code.eval_quoted(ast, [], file: "script.exs")
      {:ok, value}
    rescue
      e in OtpForge.PolicyRefusal -> refusal(e)
      e in [CompileError, SyntaxError, TokenMissingError] -> {:compile_error, compile_message(e)}
    end
  end

  # A scenario to explore defines modules (and aliases them) only: top-level code would run once,
  # outside every schedule, in the job's main process, and state it made would join every schedule.
  # (A trusted job's top-level code is the project's own: the trace generator loads its observer there.)
  defp modules_only(%{explore: opts, script: ast, trusted: false})
       when is_map(opts) and ast != nil do
    exprs =
      case ast,
        do:
          (
            {:__block__, _, es} -> es
            e -> [e]
          )

    case Enum.reject(exprs, &(OtpForge.Policy.module_form?(&1) or directive?(&1))) do
      [] ->
        :ok

      [first | _] ->
        line =
          case first,
            do:
              (
                {_, meta, _} when is_list(meta) -> Keyword.get(meta, :line, 0)
                _ -> 0
              )

        message =
          "a scenario to explore defines modules only (Scenario.run/0 and what it uses); move the top-level code at line #{line} into Scenario.run/0"

        {:policy_violation, message,
         %{"message" => message, "line" => line, "file" => "script.exs"}}
    end
  end

  defp modules_only(_spec), do: :ok

  # An exploration's value is its result: outcomes, witnesses, whether it was complete.
  defp explore_or_call(%{explore: opts}, _value) when is_map(opts),
    do: {:ok, OtpForge.Explore.run(opts)}

  defp explore_or_call(spec, value), do: make_call(spec.call, value, spec.trusted)

  defp make_call(nil, value, _), do: {:ok, value}

  defp make_call(call, _value, trusted) do
    args = call["args"] || []

    with {:ok, mod} <- existing_module(call["module"]),
         {:ok, fun} <- existing_fun(mod, call["fun"]) do
      cond do
        not is_list(args) ->
          {:runtime_error, "call.args must be a list"}

        not trusted and
          not (Allowlist.job_module?(mod) or
                   (OtpForge.Preload.sandboxed?(mod) and not Allowlist.reflection?(fun))) and
            (not Allowlist.allowed?(mod, fun) or Guard.guarded?(mod, fun) or
               Allowlist.atom_maker?(mod, fun)) ->
          {:policy_violation,
           "#{Allowlist.name(mod)}.#{fun}/#{length(args)} is not allowed in sandboxed code (call)"}

        true ->
          {:ok, apply(mod, fun, args)}
      end
    end
  end

  defp existing_module(":" <> name), do: to_atom(name, "the module :#{name} does not exist")

  defp existing_module(name) when is_binary(name) do
    with {:ok, mod} <-
           to_atom(
             "Elixir." <> name,
             "the module #{name} is not defined (define it in the job's files)"
           ) do
      if Code.ensure_loaded?(mod),
        do: {:ok, mod},
        else: {:runtime_error, "the module #{name} is not defined (define it in the job's files)"}
    end
  end

  defp existing_module(_),
    do: {:runtime_error, "call.module must be a string such as \"Counter\""}

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

    if byte_size(text) > @max_value_bytes,
      do: binary_part(text, 0, @max_value_bytes) <> "...[truncated]",
      else: text
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
