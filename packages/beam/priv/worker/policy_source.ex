defmodule OtpForge.Policy.Source do
  @moduledoc false
  # The first pass of the policy: parsing, the modules a job defines, the
  # aliases of a file, pipes expanded into plain calls.

  @doc "Parses every source; {:ok, [{name, ast}]} or {:syntax_error, message}."
  def parse_all(sources) do
    Enum.reduce_while(sources, {:ok, []}, fn {name, source}, {:ok, acc} ->
      case Code.string_to_quoted(source, file: name, columns: false) do
        {:ok, ast} ->
          {:cont, {:ok, acc ++ [{name, ast}]}}

        {:error, {meta, msg, token}} ->
          {:halt, {:syntax_error, syntax_message(name, meta, msg, token)}}
      end
    end)
  end

  defp syntax_message(name, meta, msg, token) do
    line = if is_list(meta), do: Keyword.get(meta, :line, 0), else: meta
    msg = text(msg)
    token = text(token)
    token = if token == "" and String.ends_with?(msg, "before: "), do: "end of input", else: token
    "#{name}:#{line}: #{String.trim(msg <> token)}"
  end

  defp text(x) when is_binary(x), do: x
  defp text({a, b}), do: text(a) <> text(b)
  defp text(x) when is_list(x), do: List.to_string(x)
  defp text(x), do: inspect(x)

  # ---- which modules does the job define? ------------------------------------

  def job_modules(parsed),
    do: Enum.reduce(parsed, MapSet.new(), fn {_, ast}, acc -> collect_modules(ast, nil, acc) end)

  defp collect_modules({kind, _, [name_ast | rest]}, parent, acc)
       when kind in [:defmodule, :defprotocol] do
    case module_name(name_ast, parent) do
      {:ok, mod} -> Enum.reduce(rest, MapSet.put(acc, mod), &collect_modules(&1, mod, &2))
      :error -> acc
    end
  end

  defp collect_modules({:defimpl, _, [proto_ast | rest]} = node, parent, acc) do
    fors = rest |> List.first() |> keyword_get(:for)

    acc =
      with {:ok, proto} <- module_name(proto_ast, nil), {:ok, target} <- module_name(fors, nil) do
        MapSet.put(acc, Module.concat(proto, target))
      else
        _ -> acc
      end

    collect_children(node, parent, acc)
  end

  defp collect_modules(node, parent, acc), do: collect_children(node, parent, acc)

  defp collect_children({_, _, args}, parent, acc) when is_list(args),
    do: Enum.reduce(args, acc, &collect_modules(&1, parent, &2))

  defp collect_children(list, parent, acc) when is_list(list),
    do: Enum.reduce(list, acc, &collect_modules(&1, parent, &2))

  defp collect_children({a, b}, parent, acc),
    do: collect_modules(b, parent, collect_modules(a, parent, acc))

  defp collect_children(_, _, acc), do: acc

  # Tolerates lists that are not keyword lists (the AST of odd code).
  def keyword_get(list, key) when is_list(list) do
    case List.keyfind(list, key, 0) do
      {_, v} -> v
      nil -> nil
    end
  end

  def keyword_get(_, _), do: nil

  def module_name({:__aliases__, _, [h | t]}, parent) when is_atom(h) do
    mod = Module.concat([h | t])
    {:ok, if(parent, do: Module.concat(parent, mod), else: mod)}
  end

  def module_name(atom, _) when is_atom(atom) and atom != nil, do: {:ok, atom}
  def module_name(_, _), do: :error

  # File-wide aliases (alias A.B, alias A.B, as: C, alias A.{B, C}, nested
  # modules). Lexical scoping is ignored: it can only make more names resolve.
  def aliases(ast) do
    {_, acc} =
      Macro.prewalk(ast, %{}, fn
        {:alias, _, [{:__aliases__, _, parts} | rest]} = n, acc when is_list(parts) ->
          if Enum.all?(parts, &is_atom/1) do
            as = rest |> List.first() |> keyword_get(:as)

            short =
              case as do
                {:__aliases__, _, [a]} -> a
                _ -> List.last(parts)
              end

            {n, Map.put(acc, short, Module.concat(parts))}
          else
            {n, acc}
          end

        {:alias, _, [{{:., _, [{:__aliases__, _, base}, :{}]}, _, subs} | _]} = n, acc ->
          acc =
            Enum.reduce(subs, acc, fn
              {:__aliases__, _, parts}, acc when is_list(parts) ->
                if Enum.all?(base ++ parts, &is_atom/1),
                  do: Map.put(acc, List.last(parts), Module.concat(base ++ parts)),
                  else: acc

              _, acc ->
                acc
            end)

          {n, acc}

        n, acc ->
          {n, acc}
      end)

    acc
  end

  # Pipes are expanded first so that arities (and rewrites) see every argument.
  def expand_pipes(ast) do
    Macro.prewalk(ast, fn
      {:|>, _, [left, right]} = node ->
        try do
          Macro.pipe(left, right, 0)
        rescue
          _ -> node
        end

      node ->
        node
    end)
  end
end
