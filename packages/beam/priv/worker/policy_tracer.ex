defmodule OtpForge.PolicyTracer do
  @moduledoc false
  # The second static check: a compiler tracer that sees the code the compiler
  # sees, after macros, sigils, aliases, requires and imports are expanded.
  # The AST pass (OtpForge.Policy) checks what the job wrote; this one checks
  # what that turns into, so `require File, as: F`, `alias :os, as: Os`,
  # `~w(#{...})`, defdelegate defaults and anything else a macro builds are
  # judged by the remote call they really make. The compiler expands a
  # module body, a function body or the script before it evaluates or
  # compiles it, so a refusal here stops the code before it runs.
  #
  # Deny by default: a remote call is allowed when its module is the job's
  # (compiled from the job, or existing nowhere yet), the call is on the
  # allowlist, or it is one of the calls Elixir's own macros expand into
  # (def, defstruct, @attr, protocols, records, exceptions). The AST pass
  # refuses those internals when the job writes them itself.

  alias OtpForge.Allowlist

  # What Elixir's own macros expand into, by module: never allowed when written
  # by the job (the AST pass refuses them), harmless in the expansions.
  @expansion_internals %{
    :elixir_def => :all,
    :elixir_module => :all,
    :elixir_quote => :all,
    :elixir_utils => [:noop],
    :elixir_bootstrap => :all,
    Kernel.Utils => [:defstruct, :announce_struct, :defdelegate_all, :defdelegate_each, :raise],
    Kernel.Typespec => [:deftypespec],
    Kernel.LexicalTracker => [:read_cache],
    Module => [
      :__put_attribute__,
      :__get_attribute__,
      :make_overridable,
      :defines_type?,
      :spec_to_callback,
      :concat,
      :delete_attribute,
      :register_attribute
    ],
    Protocol => [
      :__derive__,
      :__ensure_defimpl__,
      :__functions_spec__,
      :assert_protocol!,
      :__impl__,
      :def,
      :__protocol__
    ],
    Record => [:__access__, :__record__, :__keyword__, :__fields__],
    Exception => :all,
    Macro => [:escape]
  }

  # Elixir inlines some allowed calls into :erlang ones (Process.list/0 is
  # :erlang.processes/0): the tracer sees the inlined call, which is allowed
  # when an allowed Elixir function inlines to it.
  @inlined for mod <- [
                 Kernel,
                 Process,
                 Map,
                 List,
                 Tuple,
                 Integer,
                 Float,
                 String,
                 Atom,
                 Enum,
                 Keyword,
                 Bitwise,
                 Node,
                 System,
                 Function,
                 IO,
                 Port
               ],
               {fun, arity} <- mod.__info__(:functions),
               OtpForge.Allowlist.allowed?(mod, fun),
               target = :elixir_rewrite.inline(mod, fun, arity),
               target != false,
               into: MapSet.new(),
               do: {elem(target, 0), elem(target, 1), arity}

  @doc "Called by the compiler for every event while the job's code compiles."
  def trace({kind, meta, mod, fun, arity}, env)
      when kind in [:remote_function, :remote_macro, :imported_function, :imported_macro] do
    if allowed?(mod, fun, arity),
      do: :ok,
      else:
        refuse(
          "#{Allowlist.name(mod)}.#{fun}/#{arity} is not allowed in sandboxed code",
          meta,
          env
        )
  end

  # A module named as data (an alias): `File`, `Code`... even when never called here.
  # (System and Node: their allowed functions are aliases too; their data uses are the AST pass's.)
  def trace({:alias_reference, meta, mod}, env) do
    if Allowlist.forbidden_data_module?(mod) and mod not in [System, Node],
      do:
        refuse(
          "the module #{Allowlist.name(mod)} is not allowed in sandboxed code, not even as data",
          meta,
          env
        ),
      else: :ok
  end

  def trace({:struct_expansion, meta, mod, _keys}, env) do
    if Allowlist.forbidden_data_module?(mod),
      do:
        refuse("the struct %#{Allowlist.name(mod)}{} is not allowed in sandboxed code", meta, env),
      else: :ok
  end

  def trace({kind, meta, mod, _opts}, env) when kind in [:require, :import] do
    if Allowlist.forbidden_data_module?(mod) or Allowlist.forbidden_data_atom?(mod),
      do: refuse("#{kind} #{Allowlist.name(mod)} is not allowed in sandboxed code", meta, env),
      else: :ok
  end

  def trace(_event, _env), do: :ok

  defp allowed?(mod, fun, arity) do
    cond do
      mod == OtpForge.Guard -> true
      # Put in by the explorer's rewrite, after the AST pass refused it as written.
      mod == OtpForge.Explore.Rt -> true
      internal?(mod, fun) -> true
      Allowlist.atom_maker?(mod, fun) -> false
      Allowlist.allowed?(mod, fun) -> true
      MapSet.member?(@inlined, {mod, fun, arity}) -> true
      mod == :erlang -> operator?(fun, arity)
      exception_module?(mod) and fun in [:exception, :message, :blame] -> true
      # The job's own modules: compiled from its source, or not existing yet
      # (defined later in the job; a call to a module that exists nowhere fails as anywhere).
      Allowlist.job_module?(mod) -> true
      # A sandboxed preload passed this same check when it was built (OtpForge.Preload).
      OtpForge.Preload.sandboxed?(mod) -> not Allowlist.reflection?(fun)
      not Allowlist.exists?(mod) -> true
      true -> false
    end
  end

  defp internal?(mod, fun) do
    case Map.get(@expansion_internals, mod) do
      nil -> false
      :all -> true
      funs -> fun in funs
    end
  end

  # Operators and guards compile to :erlang calls: pure functions.
  defp operator?(fun, arity) do
    :erl_internal.arith_op(fun, arity) or :erl_internal.comp_op(fun, arity) or
      :erl_internal.bool_op(fun, arity) or
      :erl_internal.list_op(fun, arity) or :erl_internal.guard_bif(fun, arity) or
      fun in [:andalso, :orelse, :error, :raise, :throw]
  end

  # (Not a trusted preload's: its exception/1 or message/1 is code the policy never checked.)
  defp exception_module?(mod) do
    not (OtpForge.Preload.preloaded?(mod) and not OtpForge.Preload.sandboxed?(mod)) and
      Code.ensure_loaded?(mod) and function_exported?(mod, :__struct__, 0) and
      not Allowlist.forbidden_data_module?(mod) and
      Map.get(mod.__struct__(), :__exception__) == true
  end

  defp refuse(message, meta, env) do
    line = Keyword.get(meta, :line) || env.line
    file = env.file |> to_string() |> Path.basename()
    raise OtpForge.PolicyRefusal, message: "#{message} (line #{line})", file: file, line: line
  end
end

defmodule OtpForge.PolicyRefusal do
  @moduledoc false
  # Raised by the tracer: the job's code was refused while it compiled.
  defexception [:message, :file, :line]
end
