defmodule OtpForge.Preload do
  @moduledoc false
  # Modules a pool gives every job (createPool({preload})): compiled once per source hash into
  # a directory of .beam files (src/preload.ts), put on every worker VM's code path and loaded
  # at boot, so a job calls them without shipping their source or binaries.
  #
  # Two kinds, because a loaded module is a capability:
  # - sandboxed: must pass the sandbox policy exactly as job code does, and is compiled as job
  #   code is (the policy's rewrite of guarded calls into OtpForge.Guard, the compiler tracer),
  #   so calling one gives untrusted code nothing it could not write itself. Any job may call it,
  #   spawn it, start it or name it as a child, like the job's own modules.
  # - trusted: compiled as written (the trace generator's observer traces processes and purges
  #   code). Trusted jobs call it; to untrusted code it is one more module of the runtime: calls,
  #   MFAs and children naming it are refused like :os.
  # No job may define, redefine or implement a protocol for a preloaded module (OtpForge.Policy).

  # A :persistent_term key starting with "otpforge": OtpForge.Guard refuses jobs' put/erase of it.
  @key :otpforge_preload

  @doc "Boot: loads every module of the preload directories given on the command line."
  def install do
    dirs =
      for [kind, dir] <- args(), kind in [~c"sandboxed", ~c"trusted"] do
        {List.to_atom(kind), dir}
      end

    loaded =
      Enum.reduce(dirs, %{sandboxed: MapSet.new(), all: MapSet.new()}, fn {kind, dir}, acc ->
        mods = for m <- modules_in(dir), do: load!(m, dir)
        all = MapSet.union(acc.all, MapSet.new(mods))

        if kind == :sandboxed,
          do: %{acc | all: all, sandboxed: MapSet.union(acc.sandboxed, MapSet.new(mods))},
          else: %{acc | all: all}
      end)

    :persistent_term.put(@key, loaded)
    :ok
  end

  defp args do
    case :init.get_argument(:otpforge_preload) do
      {:ok, list} -> list
      :error -> []
    end
  end

  defp modules_in(dir) do
    for f <- :filelib.wildcard(~c"*.beam", dir), do: f |> :filename.rootname() |> List.to_atom()
  end

  # From this directory, not whatever the code path finds first under that name.
  defp load!(mod, dir) do
    {:module, ^mod} = :code.load_abs(:filename.join(dir, Atom.to_charlist(mod)))
    mod
  end

  defp loaded, do: :persistent_term.get(@key, %{sandboxed: MapSet.new(), all: MapSet.new()})

  @doc "Is `mod` a preloaded module (either kind)?"
  def preloaded?(mod) when is_atom(mod), do: MapSet.member?(loaded().all, mod)
  def preloaded?(_), do: false

  @doc "Is `mod` a sandboxed preload (callable by untrusted code like its own modules)?"
  def sandboxed?(mod) when is_atom(mod), do: MapSet.member?(loaded().sandboxed, mod)
  def sandboxed?(_), do: false

  # ---- build (run once per source hash, by `elixir` with the worker on its code path) -------

  @doc """
  `elixir -pa WORKER -e 'OtpForge.Preload.build(System.argv())' KIND OUT FILE...`: compiles the
  files into OUT as .beam files. Prints the modules; on a refusal prints
  `refused: FILE:LINE: message` lines and halts with status 2.
  """
  def build([kind, out | files]) when kind in ["sandboxed", "trusted"] do
    sources = for f <- files, do: {Path.basename(f), File.read!(f)}

    case compile(String.to_atom(kind), sources) do
      {:ok, compiled} ->
        for {mod, bin} <- compiled, do: File.write!(Path.join(out, "#{mod}.beam"), bin)
        IO.puts(Enum.map_join(compiled, " ", fn {m, _} -> inspect(m) end))

      {:refused, vs} ->
        for v <- vs, do: IO.puts("refused: #{v.file}:#{v.line}: #{v.message}")
        System.halt(2)
    end
  end

  defp compile(kind, sources) do
    with :ok <- modules_only(sources),
         {:ok, asts} <- prepare(kind, sources),
         :ok <- new_modules(asts) do
      if kind == :sandboxed, do: Code.put_compiler_option(:tracers, [OtpForge.PolicyTracer])
      compile_all(asts, [])
    end
  end

  # A preload's top-level code would run here, once, at build time, not in any job.
  defp modules_only(sources) do
    vs =
      for {name, source} <- sources,
          expr <- top_level(Code.string_to_quoted!(source, file: name)),
          not (OtpForge.Policy.module_form?(expr) or directive?(expr)) do
        line = with {_, meta, _} when is_list(meta) <- expr, do: Keyword.get(meta, :line, 0)
        line = if is_integer(line), do: line, else: 0
        %{file: name, line: line, message: "a preload defines modules only (top-level code)"}
      end

    if vs == [], do: :ok, else: {:refused, vs}
  end

  defp top_level({:__block__, _, exprs}), do: exprs
  defp top_level(expr), do: [expr]

  defp directive?({kind, _, _}) when kind in [:alias, :require, :import], do: true
  defp directive?(_), do: false

  # Sandboxed: the job policy, with its rewrite; the OtpForge namespace is open to it (it is
  # otpforge's own code) but a module the runtime has is not. Trusted: parsed as written.
  defp prepare(:sandboxed, sources) do
    case OtpForge.Policy.check(sources, preload: true) do
      {:ok, asts} -> {:ok, asts}
      {:violations, vs} -> {:refused, vs}
      {:syntax_error, m} -> {:refused, [%{file: "", line: 0, message: m}]}
    end
  end

  defp prepare(:trusted, sources) do
    case OtpForge.Policy.parse_all(sources) do
      {:ok, asts} -> no_dispatch(asts)
      {:syntax_error, m} -> {:refused, [%{file: "", line: 0, message: m}]}
    end
  end

  # Protocols dispatch on data any job can build (a map with a __struct__ key), so an
  # implementation or a protocol in a trusted preload would run unchecked code for untrusted
  # callers. A sandboxed preload may have them: its code passed the policy.
  defp no_dispatch(asts) do
    vs =
      for {name, ast} <- asts,
          {kind, meta, _} <-
            collect(ast, &match?({k, _, _} when k in [:defimpl, :defprotocol], &1)) do
        %{
          file: name,
          line: Keyword.get(meta, :line, 0),
          message: "#{kind} in a trusted preload: untrusted code's data would dispatch to it"
        }
      end

    if vs == [], do: {:ok, asts}, else: {:refused, vs}
  end

  defp collect(ast, pred) do
    {_, found} =
      Macro.prewalk(ast, [], fn n, acc -> {n, if(pred.(n), do: [n | acc], else: acc)} end)

    Enum.reverse(found)
  end

  # Every module a preload defines must be new: one that shadowed a module of OTP, Elixir or the
  # worker would change what every job gets from it.
  defp new_modules(asts) do
    vs =
      for m <- OtpForge.Policy.Source.job_modules(asts), OtpForge.Allowlist.exists?(m) do
        %{file: "", line: 0, message: "#{inspect(m)} is a module of the runtime already"}
      end

    if vs == [], do: :ok, else: {:refused, vs}
  end

  defp compile_all([], acc), do: {:ok, Enum.reverse(acc)}

  defp compile_all([{name, ast} | rest], acc) do
    compile_all(rest, Enum.reverse(Code.compile_quoted(ast, name)) ++ acc)
  rescue
    e in OtpForge.PolicyRefusal ->
      {:refused, [%{file: e.file, line: e.line, message: e.message}]}

    e in [CompileError, SyntaxError, TokenMissingError] ->
      {:refused, [%{file: name, line: 0, message: Exception.message(e)}]}
  end
end
