defmodule OtpForge.Policy do
  @moduledoc false
  # The static policy: walks the quoted source of a job before anything
  # compiles, refuses what is not on the allowlist (with the call and line),
  # and rewrites the calls that need runtime checks into OtpForge.Guard.call/3.

  alias OtpForge.{Allowlist, Guard}
  alias OtpForge.Policy.Source
  import OtpForge.Policy.Source, only: [module_name: 2, keyword_get: 2]

  @guard OtpForge.Guard

  @doc """
  Parses and checks sources [{name, source}]. Returns {:ok, [{name, ast}]}
  with rewritten ASTs, {:violations, [%{message, line, file}]}, or
  {:syntax_error, message}.
  """
  def check(sources, opts \\ []) do
    rewrite? = Keyword.get(opts, :rewrite, true)

    with {:ok, parsed} <- Source.parse_all(sources) do
      job_modules = Source.job_modules(parsed)

      {asts, violations} =
        Enum.map_reduce(parsed, [], fn {name, ast}, acc ->
          ast = Source.expand_pipes(ast)

          ctx = %{
            file: name,
            module: nil,
            aliases: Source.aliases(ast),
            jobmods: job_modules,
            line: 1,
            rewrite: rewrite?,
            in_fun: false,
            # Building a sandboxed preload (OtpForge.Preload): otpforge's own namespace is open to it.
            preload: Keyword.get(opts, :preload, false),
            # Code the explorer controls (OtpForge.Explore.Rewrite).
            explore: Keyword.get(opts, :explore, false)
          }

          {ast, found} =
            if name == "script.exs", do: walk_script(ast, ctx), else: walk(ast, ctx, [])

          {{name, ast}, acc ++ Enum.reverse(found)}
        end)

      case violations do
        [] -> {:ok, asts}
        vs -> {:violations, Enum.uniq_by(vs, &{&1.file, &1.line, &1.message})}
      end
    end
  end

  @doc "Parses without checking (trusted jobs)."
  defdelegate parse_all(sources), to: OtpForge.Policy.Source

  # ---- pass 2: check and rewrite --------------------------------------------

  # A script's top-level modules compile as modules; the rest of it runs as the
  # body of a function (see OtpForge.Root), so a defmodule anywhere else in it
  # is one inside a function.
  defp walk_script({:__block__, meta, exprs}, ctx) do
    {exprs, acc} =
      Enum.map_reduce(exprs, [], fn e, acc ->
        walk(e, %{ctx | in_fun: not module_form?(e)}, acc)
      end)

    {{:__block__, meta, exprs}, acc}
  end

  defp walk_script(expr, ctx), do: walk(expr, %{ctx | in_fun: not module_form?(expr)}, [])

  @doc "Is this a top-level module definition (compiled as a module, not run as code)?"
  def module_form?({kind, _, [_ | _]}) when kind in [:defmodule, :defprotocol, :defimpl], do: true
  def module_form?(_), do: false

  defp line(meta, ctx) when is_list(meta), do: %{ctx | line: Keyword.get(meta, :line, ctx.line)}
  defp line(_, ctx), do: ctx

  defp violation(acc, ctx, message),
    do: [%{message: message, line: ctx.line, file: ctx.file} | acc]

  defp not_allowed(acc, ctx, what, why \\ ""),
    do: violation(acc, ctx, "#{what} is not allowed in sandboxed code#{why} (line #{ctx.line})")

  defp walk_list(list, ctx, acc) do
    Enum.map_reduce(list, acc, fn n, acc -> walk(n, ctx, acc) end)
  end

  # defmodule: a new module (not one the runtime has) and a new __MODULE__.
  # A module defined while a function runs is compiled outside every check the
  # compiler tracer makes: refused (modules go at the top level).
  defp walk({kind, meta, [_ | _]} = node, %{in_fun: true} = ctx, acc)
       when kind in [:defmodule, :defprotocol, :defimpl] do
    ctx = line(meta, ctx)

    {node,
     not_allowed(
       acc,
       ctx,
       "#{kind} inside a function or a script expression",
       ": define modules at the top level of a file or the script"
     )}
  end

  defp walk({kind, meta, [name_ast, body]}, ctx, acc) when kind in [:defmodule, :defprotocol] do
    ctx = line(meta, ctx)

    case module_name(name_ast, ctx.module) do
      {:ok, mod} ->
        # At the top level Elixir expands an alias in the name (`alias OtpForge, as: X` then
        # `defmodule X.Probe` defines OtpForge.Probe); nested, it prefixes the parent. Aliases are
        # tracked file-wide, so both readings are checked.
        names =
          case {ctx.module, resolve(name_ast, ctx)} do
            {nil, {:ok, resolved}} -> Enum.uniq([mod, resolved])
            _ -> [mod]
          end

        acc = Enum.reduce(names, acc, &check_new_module(&1, ctx, &2))

        {body, acc} =
          walk(
            body,
            %{ctx | module: mod, aliases: Map.put(ctx.aliases, last_part(name_ast), mod)},
            acc
          )

        {{kind, meta, [name_ast, body]}, acc}

      :error ->
        {{kind, meta, [name_ast, body]},
         not_allowed(acc, ctx, "#{kind} with a name that is not a literal alias")}
    end
  end

  defp walk({:defimpl, meta, [proto_ast | rest]}, ctx, acc) do
    ctx = line(meta, ctx)
    fors = rest |> List.first() |> keyword_get(:for)

    # `for:` may be one module or a list of them (each is an implementation module).
    # Without `for:` it is for the enclosing module (the job's own).
    targets =
      cond do
        is_nil(fors) -> []
        is_list(fors) -> fors
        true -> [fors]
      end

    acc =
      case module_name(resolve_ast(proto_ast, ctx), nil) do
        {:ok, proto} ->
          Enum.reduce(targets, acc, fn t, acc ->
            case module_name(resolve_ast(t, ctx), nil) do
              {:ok, target} ->
                impl = Module.concat(proto, target)

                cond do
                  Allowlist.exists?(impl) and not Allowlist.job_module?(impl) ->
                    violation(
                      acc,
                      ctx,
                      "defimpl #{Allowlist.name(proto)} for #{Allowlist.name(target)} redefines a module that already exists in the runtime (line #{ctx.line})"
                    )

                  # An implementation for a preloaded struct would run job code where the
                  # preload expects its own (its verdicts, its output).
                  reserved?(impl, ctx) or reserved?(target, ctx) ->
                    violation(
                      acc,
                      ctx,
                      reserved_message(
                        "defimpl #{Allowlist.name(proto)} for #{Allowlist.name(target)}",
                        ctx
                      )
                    )

                  true ->
                    acc
                end

              :error ->
                not_allowed(acc, ctx, "defimpl with a `for:` that is not a literal module")
            end
          end)

        :error ->
          not_allowed(acc, ctx, "defimpl of a protocol that is not a literal module")
      end

    {rest, acc} = walk(rest, ctx, acc)
    {{:defimpl, meta, [proto_ast | rest]}, acc}
  end

  defp walk({kind, meta, _} = node, ctx, acc) when kind in [:defmacro, :defmacrop] do
    ctx = line(meta, ctx)
    {node, not_allowed(acc, ctx, "#{kind}", ": macros run inside the compiler")}
  end

  defp walk({kind, meta, _} = node, ctx, acc) when kind in [:unquote, :unquote_splicing] do
    ctx = line(meta, ctx)
    {node, not_allowed(acc, ctx, "#{kind}", ": code built from data cannot be checked")}
  end

  # def heads are patterns, not calls (a function may be named like a Kernel one);
  # only default values run.
  defp walk({kind, meta, [head | rest]}, ctx, acc) when kind in [:def, :defp] do
    ctx = line(meta, ctx)
    {head, acc} = walk_head(head, ctx, acc)
    {rest, acc} = walk_list(rest, %{ctx | in_fun: true}, acc)
    {{kind, meta, [head | rest]}, acc}
  end

  defp walk({:fn, meta, clauses}, ctx, acc) when is_list(clauses) do
    ctx = line(meta, ctx)
    {clauses, acc} = walk_list(clauses, %{ctx | in_fun: true}, acc)
    {{:fn, meta, clauses}, acc}
  end

  defp walk({:defdelegate, meta, [head, opts]} = node, ctx, acc) do
    ctx = line(meta, ctx)
    to = resolve(keyword_get(opts, :to), ctx)
    {fun, arity} = call_name(head)
    fun = keyword_get(opts, :as) || fun

    acc =
      case to do
        {:ok, mod} -> check_remote(mod, fun, arity, ctx, acc)
        _ -> not_allowed(acc, ctx, "defdelegate to a module that is not a literal")
      end

    {node, acc}
  end

  defp walk({:import, meta, [mod_ast | _]} = node, ctx, acc) do
    ctx = line(meta, ctx)

    acc =
      case resolve(mod_ast, ctx) do
        {:ok, mod} ->
          if Allowlist.importable?(mod) or MapSet.member?(ctx.jobmods, mod) or
               not Allowlist.exists?(mod),
             do: acc,
             else:
               not_allowed(
                 acc,
                 ctx,
                 "import #{Allowlist.name(mod)}",
                 ": call its functions by their full name"
               )

        :error ->
          not_allowed(acc, ctx, "import of a module that is not a literal")
      end

    {node, acc}
  end

  defp walk({:use, meta, [mod_ast | opts]}, ctx, acc) do
    ctx = line(meta, ctx)

    acc =
      case resolve(mod_ast, ctx) do
        {:ok, mod} ->
          if Allowlist.usable?(mod) or MapSet.member?(ctx.jobmods, mod) or
               not Allowlist.exists?(mod),
             do: acc,
             else: not_allowed(acc, ctx, "use #{Allowlist.name(mod)}")

        :error ->
          not_allowed(acc, ctx, "use of a module that is not a literal")
      end

    {opts, acc} = walk_list(opts, ctx, acc)
    {{:use, meta, [mod_ast | opts]}, acc}
  end

  defp walk({:alias, _, _} = node, _ctx, acc), do: {node, acc}
  defp walk({:require, _, _} = node, _ctx, acc), do: {node, acc}

  # Module attributes: @compile can name parse transforms (code run by the compiler).
  defp walk({:@, meta, [{:compile, _, _}]} = node, ctx, acc) do
    ctx = line(meta, ctx)
    {node, not_allowed(acc, ctx, "@compile", ": compiler options can run other modules")}
  end

  # Captures: &Mod.fun/arity, &fun/arity.
  defp walk({:&, meta, [{:/, _, [{{:., _, [mod_ast, fun]}, _, []}, arity]}]} = node, ctx, acc)
       when is_atom(fun) and is_integer(arity) do
    ctx = line(meta, ctx)

    case resolve(mod_ast, ctx) do
      {:ok, mod} ->
        acc = check_remote(mod, fun, arity, ctx, acc)
        {maybe_guard_capture(node, mod, fun, arity, meta, ctx), acc}

      :error ->
        {node,
         not_allowed(
           acc,
           ctx,
           "a capture of a function of a module held in a variable (&#{Macro.to_string(mod_ast)}.#{fun}/#{arity})"
         )}
    end
  end

  defp walk({:&, meta, [{:/, _, [{fun, _, ctx_atom}, arity]}]} = node, ctx, acc)
       when is_atom(fun) and is_atom(ctx_atom) and is_integer(arity) do
    ctx = line(meta, ctx)
    acc = check_local(fun, arity, nil, ctx, acc)
    {maybe_guard_capture(node, Kernel, fun, arity, meta, ctx, :local), acc}
  end

  # Remote calls and field access.
  defp walk({{:., dmeta, [mod_ast, fun]}, meta, args}, ctx, acc)
       when is_atom(fun) and is_list(args) do
    ctx = line(meta, ctx)

    case resolve(mod_ast, ctx) do
      {:ok, mod} ->
        acc = check_remote(mod, fun, length(args), ctx, acc)
        acc = check_unaliased(mod_ast, mod, fun, length(args), ctx, acc)
        acc = check_apply_args(mod, fun, args, ctx, acc)

        {args, acc} =
          if mod in [Kernel, :erlang],
            do: walk_mfa_args(fun, args, ctx, acc),
            else: walk_list(args, ctx, acc)

        if ctx.rewrite and Guard.guarded?(mod, fun) do
          {{{:., dmeta, [@guard, :call]}, meta, [mod, fun, args, {ctx.file, ctx.line}]}, acc}
        else
          {{{:., dmeta, [mod_ast, fun]}, meta, args}, acc}
        end

      :error ->
        if Keyword.get(meta, :no_parens, false) and args == [] do
          # map.field
          {mod_ast, acc} = walk(mod_ast, ctx, acc)
          {{{:., dmeta, [mod_ast, fun]}, meta, args}, acc}
        else
          # mod.fun(args) with the module from data: checked when it runs (OtpForge.Guard, as apply/3).
          {mod_ast, acc} = walk(mod_ast, ctx, acc)
          {args, acc} = walk_list(args, ctx, acc)

          if ctx.rewrite,
            do:
              {{{:., dmeta, [@guard, :call]}, meta,
                [Kernel, :apply, [mod_ast, fun, args], {ctx.file, ctx.line}]}, acc},
            else: {{{:., dmeta, [mod_ast, fun]}, meta, args}, acc}
        end
    end
  end

  # Anonymous function calls: f.(x)
  defp walk({{:., dmeta, [fun_ast]}, meta, args}, ctx, acc) when is_list(args) do
    ctx = line(meta, ctx)
    {fun_ast, acc} = walk(fun_ast, ctx, acc)
    {args, acc} = walk_list(args, ctx, acc)
    {{{:., dmeta, [fun_ast]}, meta, args}, acc}
  end

  defp walk({:__aliases__, meta, _} = node, ctx, acc) do
    ctx = line(meta, ctx)

    acc =
      case resolve(node, ctx) do
        {:ok, mod} ->
          if Allowlist.forbidden_data_module?(mod),
            do: not_allowed(acc, ctx, Allowlist.name(mod)),
            else: acc

        :error ->
          acc
      end

    {node, acc}
  end

  # ~w(...)a with interpolation makes atoms at run time.
  defp walk({:sigil_w, meta, [{:<<>>, _, parts}, mods]} = node, ctx, acc) when is_list(mods) do
    ctx = line(meta, ctx)

    if ?a in mods and Enum.any?(parts, &(not is_binary(&1))),
      do:
        {node,
         not_allowed(acc, ctx, "~w(...)a with interpolation", ": it creates atoms without bound")},
      else: {node, acc}
  end

  # Local calls (Kernel and imports) and special forms.
  defp walk({fun, meta, args}, ctx, acc) when is_atom(fun) and is_list(args) do
    ctx = line(meta, ctx)
    acc = check_local(fun, length(args), args, ctx, acc)
    {args, acc} = walk_mfa_args(fun, args, ctx, acc)

    if ctx.rewrite and local_guarded?(fun, length(args)) do
      {{{:., meta, [@guard, :call]}, meta, [Kernel, fun, args, {ctx.file, ctx.line}]}, acc}
    else
      {{fun, meta, args}, acc}
    end
  end

  # Variables.
  defp walk({name, _, c} = node, _ctx, acc) when is_atom(name) and is_atom(c), do: {node, acc}

  defp walk({other, meta, args}, ctx, acc) when is_list(args) do
    ctx = line(meta, ctx)
    {other, acc} = walk(other, ctx, acc)
    {args, acc} = walk_list(args, ctx, acc)
    {{other, meta, args}, acc}
  end

  defp walk({a, b}, ctx, acc) do
    {a, acc} = walk(a, ctx, acc)
    {b, acc} = walk(b, ctx, acc)
    {{a, b}, acc}
  end

  defp walk(list, ctx, acc) when is_list(list), do: walk_list(list, ctx, acc)

  defp walk(atom, ctx, acc) when is_atom(atom) do
    cond do
      Allowlist.forbidden_data_atom?(atom) ->
        {atom,
         not_allowed(
           acc,
           ctx,
           "the atom #{inspect(atom)}",
           ": it names a module sandboxed code may not use"
         )}

      String.starts_with?(Atom.to_string(atom), "Elixir.") and
          Allowlist.forbidden_data_module?(atom) ->
        {atom, not_allowed(acc, ctx, Allowlist.name(atom))}

      true ->
        {atom, acc}
    end
  end

  defp walk(other, _ctx, acc), do: {other, acc}

  defp walk_head({:when, meta, [head | guards]}, ctx, acc) do
    {head, acc} = walk_head(head, ctx, acc)
    {{:when, meta, [head | guards]}, acc}
  end

  defp walk_head({name, meta, args}, ctx, acc) when is_atom(name) and is_list(args) do
    {args, acc} =
      Enum.map_reduce(args, acc, fn
        {:\\, m, [pattern, default]}, acc ->
          {default, acc} = walk(default, ctx, acc)
          {{:\\, m, [pattern, default]}, acc}

        arg, acc ->
          {arg, acc}
      end)

    {{name, meta, args}, acc}
  end

  defp walk_head(head, _ctx, acc), do: {head, acc}

  defp call_name({:when, _, [head | _]}), do: call_name(head)
  defp call_name({name, _, args}) when is_atom(name) and is_list(args), do: {name, length(args)}
  defp call_name({name, _, _}) when is_atom(name), do: {name, 0}
  defp call_name(_), do: {:unknown, 0}

  defp last_part({:__aliases__, _, parts}), do: List.first(parts)
  defp last_part(_), do: nil

  # ---- resolution and checks ------------------------------------------------

  defp resolve_ast(ast, ctx) do
    case resolve(ast, ctx) do
      {:ok, mod} -> mod
      :error -> ast
    end
  end

  # The module a literal alias or atom names, after aliases and __MODULE__.
  defp resolve({:__aliases__, _meta, [h | t]}, ctx) when is_atom(h) do
    case Map.fetch(ctx.aliases, h) do
      {:ok, base} -> {:ok, Module.concat([base | t])}
      :error -> {:ok, Module.concat([h | t])}
    end
  end

  defp resolve({:__aliases__, _, [{:__MODULE__, _, c} | t]}, ctx)
       when is_atom(c) and ctx.module != nil,
       do: {:ok, Module.concat([ctx.module | t])}

  defp resolve({:__MODULE__, _, c}, ctx) when is_atom(c) and ctx.module != nil,
    do: {:ok, ctx.module}

  defp resolve(atom, _ctx) when is_atom(atom) and atom not in [nil, true, false], do: {:ok, atom}
  defp resolve(_, _), do: :error

  defp check_new_module(mod, ctx, acc) do
    cond do
      Allowlist.exists?(mod) and not Allowlist.job_module?(mod) ->
        violation(
          acc,
          ctx,
          "defmodule #{Allowlist.name(mod)} redefines a module that already exists in the runtime (line #{ctx.line})"
        )

      reserved?(mod, ctx) ->
        violation(acc, ctx, reserved_message("defmodule #{Allowlist.name(mod)}", ctx))

      true ->
        acc
    end
  end

  # otpforge's own modules (the worker's, and the preloads every job may call) are OtpForge.*:
  # a job that could define one, even a new one, could pass its code off as the project's.
  defp reserved?(mod, ctx) do
    not ctx.preload and
      (OtpForge.Preload.preloaded?(mod) or mod == OtpForge or
         String.starts_with?(Atom.to_string(mod), "Elixir.OtpForge."))
  end

  defp reserved_message(what, ctx),
    do:
      "#{what} is not allowed in sandboxed code: OtpForge.* and preloaded modules are otpforge's own (line #{ctx.line})"

  defp check_remote(mod, fun, arity, ctx, acc) do
    cond do
      MapSet.member?(ctx.jobmods, mod) or mod == ctx.module ->
        acc

      Allowlist.atom_maker?(mod, fun) ->
        not_allowed(
          acc,
          ctx,
          "#{Allowlist.name(mod)}.#{fun}/#{arity}",
          ": it creates atoms, which are never garbage-collected"
        )

      Allowlist.allowed?(mod, fun) ->
        acc

      # A preload is compiled once, not rewritten by the explorer: its sends and calls would not
      # be choice points, and an exploration through it would miss interleavings.
      ctx.explore and OtpForge.Preload.preloaded?(mod) ->
        not_allowed(
          acc,
          ctx,
          "#{Allowlist.name(mod)}.#{fun}/#{arity} under the explorer",
          ": a preloaded module is not under the explorer's control; ship its source in the job"
        )

      # A sandboxed preload passed this policy itself: calling it is like calling the job's own.
      OtpForge.Preload.sandboxed?(mod) and not Allowlist.reflection?(fun) ->
        acc

      not Allowlist.exists?(mod) ->
        acc

      true ->
        not_allowed(acc, ctx, "#{Allowlist.name(mod)}.#{fun}/#{arity}")
    end
  end

  # Aliases are tracked file-wide, not lexically: where an alias may not be in
  # scope, the name as written must pass the checks too, and must not be a
  # call the guard rewrites (its target would be ambiguous).
  defp check_unaliased({:__aliases__, _, [h | t]}, mod, fun, arity, ctx, acc) when is_atom(h) do
    raw = Module.concat([h | t])

    cond do
      raw == mod ->
        acc

      Guard.guarded?(raw, fun) ->
        not_allowed(
          acc,
          ctx,
          "#{Allowlist.name(mod)}.#{fun}/#{arity} (an alias that shadows #{Allowlist.name(raw)})"
        )

      true ->
        check_remote(raw, fun, arity, ctx, acc)
    end
  end

  defp check_unaliased(_, _, _, _, _, acc), do: acc

  # apply/3 and spawn/3: the module (and, outside the job's modules, the function) must be literal.
  defp check_apply_args(mod, fun, args, ctx, acc) when mod in [Kernel, :erlang] do
    check_local(fun, length(args), args, ctx, acc)
  end

  defp check_apply_args(_, _, _, _, acc), do: acc

  @mfa_funs [:apply, :spawn, :spawn_link, :spawn_monitor]

  # The literal module of apply/3 or spawn/3 was judged with its function: not again as data.
  defp walk_mfa_args(fun, [m | rest] = args, ctx, acc)
       when fun in @mfa_funs and length(args) == 3 do
    case resolve(m, ctx) do
      {:ok, _} ->
        {rest, acc} = walk_list(rest, ctx, acc)
        {[m | rest], acc}

      :error ->
        walk_list(args, ctx, acc)
    end
  end

  defp walk_mfa_args(_fun, args, ctx, acc), do: walk_list(args, ctx, acc)

  defp check_local(fun, 3, args, ctx, acc) when fun in @mfa_funs do
    case args do
      [m_ast, f_ast, a_ast] ->
        arity = if is_list(a_ast), do: length(a_ast), else: "n"

        case resolve(m_ast, ctx) do
          {:ok, mod} ->
            # A function name from data is checked when it runs (OtpForge.Guard).
            if is_atom(f_ast), do: check_remote(mod, f_ast, arity, ctx, acc), else: acc

          :error ->
            # So is a module from data (a Registry dispatcher's {module, function}).
            acc
        end

      nil ->
        not_allowed(acc, ctx, "a capture of #{fun}/3")

      _ ->
        acc
    end
  end

  defp check_local(_fun, _arity, _args, _ctx, acc), do: acc

  defp local_guarded?(:send, 2), do: true
  defp local_guarded?(fun, 3) when fun in @mfa_funs, do: true
  defp local_guarded?(_, _), do: false

  # &GenServer.call/2 → fn a, b -> OtpForge.Guard.call(GenServer, :call, [a, b]) end
  defp maybe_guard_capture(node, mod, fun, arity, meta, ctx, kind \\ :remote) do
    guarded = if kind == :local, do: local_guarded?(fun, arity), else: Guard.guarded?(mod, fun)

    if ctx.rewrite and guarded do
      vars = for i <- 1..arity//1, do: Macro.var(:"otpforge_arg#{i}", __MODULE__)

      {:fn, meta,
       [
         {:->, meta,
          [vars, {{:., meta, [@guard, :call]}, meta, [mod, fun, vars, {ctx.file, ctx.line}]}]}
       ]}
    else
      node
    end
  end
end
