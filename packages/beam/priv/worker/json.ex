defmodule OtpForge.JSON do
  @moduledoc false
  # A small JSON codec: the worker cannot use Jason (no Hex) nor the JSON
  # module (Elixir >= 1.18 only). Used for the protocol with Node and for a
  # job's `valueJson`.

  # ---- encoding ------------------------------------------------------------

  @doc """
  Encodes a term the protocol builds (maps, lists, binaries, numbers, atoms);
  {:raw_json, binary} embeds JSON that is already encoded.
  """
  def encode!(term) do
    proto(term)
  catch
    :throw, :not_json -> raise ArgumentError, "not JSON-encodable: #{inspect(term, limit: 5)}"
  end

  defp proto({:raw_json, bin}) when is_binary(bin), do: bin
  defp proto(l) when is_list(l), do: ["[", Enum.map_intersperse(l, ",", &proto/1), "]"]

  defp proto(m) when is_map(m) and not is_struct(m) do
    ["{", Enum.map_intersperse(m, ",", fn {k, v} -> [string(key(k)), ":", proto(v)] end), "}"]
  end

  defp proto(other), do: enc(other)

  @doc """
  Strict encoding of a job's value: maps (atom, string or number keys), lists,
  tuples (as arrays), numbers, UTF-8 binaries, atoms (as strings), booleans and
  nil. Anything else (pids, refs, funs, structs, improper lists) gives :error.
  """
  def encode(term) do
    {:ok, enc(term)}
  catch
    :throw, :not_json -> :error
  end

  defp enc(nil), do: "null"
  defp enc(true), do: "true"
  defp enc(false), do: "false"
  defp enc(a) when is_atom(a), do: string(atom_text(a))
  defp enc(i) when is_integer(i), do: Integer.to_string(i)
  defp enc(f) when is_float(f), do: :erlang.float_to_binary(f, [:short])
  defp enc(b) when is_binary(b), do: if(String.valid?(b), do: string(b), else: throw(:not_json))
  defp enc(t) when is_tuple(t), do: enc_list(Tuple.to_list(t))
  defp enc(l) when is_list(l), do: enc_list(l)
  defp enc(%{__struct__: _}), do: throw(:not_json)

  defp enc(m) when is_map(m) do
    pairs = m |> Enum.map(fn {k, v} -> {key(k), v} end) |> Enum.sort_by(&elem(&1, 0))
    body = Enum.map_intersperse(pairs, ",", fn {k, v} -> [string(k), ":", enc(v)] end)
    ["{", body, "}"]
  end

  defp enc(_), do: throw(:not_json)

  defp enc_list(l) do
    if proper_list?(l),
      do: ["[", Enum.map_intersperse(l, ",", &enc/1), "]"],
      else: throw(:not_json)
  end

  defp proper_list?([]), do: true
  defp proper_list?([_ | t]), do: proper_list?(t)
  defp proper_list?(_), do: false

  defp key(k) when is_binary(k), do: if(String.valid?(k), do: k, else: throw(:not_json))
  defp key(k) when is_atom(k) and k not in [nil, true, false], do: atom_text(k)
  defp key(k) when is_integer(k), do: Integer.to_string(k)
  defp key(k) when is_float(k), do: :erlang.float_to_binary(k, [:short])
  defp key(_), do: throw(:not_json)

  # Module atoms read as they are written in Elixir: Counter, not Elixir.Counter.
  defp atom_text(a) do
    case Atom.to_string(a) do
      "Elixir." <> rest -> rest
      s -> s
    end
  end

  @doc "A JSON string literal (with quotes) for a UTF-8 binary."
  def string(b), do: [?", escape(b, b, 0, 0, []), ?"]

  # Copies runs of safe bytes as slices of the input; escapes the rest.
  defp escape(<<>>, orig, start, len, acc),
    do: Enum.reverse([binary_part(orig, start, len) | acc])

  defp escape(<<c, rest::binary>>, orig, start, len, acc) when c < 0x20 or c == ?" or c == ?\\ do
    acc = [esc(c), binary_part(orig, start, len) | acc]
    escape(rest, orig, start + len + 1, 0, acc)
  end

  defp escape(<<_, rest::binary>>, orig, start, len, acc),
    do: escape(rest, orig, start, len + 1, acc)

  defp esc(?"), do: "\\\""
  defp esc(?\\), do: "\\\\"
  defp esc(?\n), do: "\\n"
  defp esc(?\r), do: "\\r"
  defp esc(?\t), do: "\\t"
  defp esc(c), do: "\\u" <> String.pad_leading(Integer.to_string(c, 16), 4, "0")

  # ---- decoding ------------------------------------------------------------

  @doc "Decodes JSON: objects become maps with string keys, strings binaries, null nil."
  def decode(bin) when is_binary(bin) do
    {value, rest} = value(skip(bin))

    case skip(rest) do
      "" -> {:ok, value}
      other -> {:error, "unexpected trailing data: #{String.slice(other, 0, 20)}"}
    end
  catch
    :throw, {:json, msg} -> {:error, msg}
  end

  defp skip(<<c, rest::binary>>) when c in [?\s, ?\t, ?\n, ?\r], do: skip(rest)
  defp skip(bin), do: bin

  defp value(<<?{, rest::binary>>), do: object(skip(rest), %{})
  defp value(<<?[, rest::binary>>), do: array(skip(rest), [])
  defp value(<<?", rest::binary>>), do: str(rest, [])
  defp value(<<"true", rest::binary>>), do: {true, rest}
  defp value(<<"false", rest::binary>>), do: {false, rest}
  defp value(<<"null", rest::binary>>), do: {nil, rest}
  defp value(<<c, _::binary>> = bin) when c == ?- or c in ?0..?9, do: number(bin)
  defp value(other), do: throw({:json, "unexpected input: #{String.slice(other, 0, 20)}"})

  defp object(<<?}, rest::binary>>, acc), do: {acc, rest}

  defp object(<<?", rest::binary>>, acc) do
    {k, rest} = str(rest, [])
    <<?:, rest::binary>> = expect(skip(rest), ?:)
    {v, rest} = value(skip(rest))
    acc = Map.put(acc, k, v)

    case skip(rest) do
      <<?,, rest::binary>> -> object(skip(rest), acc)
      <<?}, rest::binary>> -> {acc, rest}
      _ -> throw({:json, "expected , or } in an object"})
    end
  end

  defp object(_, _), do: throw({:json, "expected a string key in an object"})

  defp array(<<?], rest::binary>>, acc), do: {Enum.reverse(acc), rest}

  defp array(bin, acc) do
    {v, rest} = value(bin)

    case skip(rest) do
      <<?,, rest::binary>> -> array(skip(rest), [v | acc])
      <<?], rest::binary>> -> {Enum.reverse([v | acc]), rest}
      _ -> throw({:json, "expected , or ] in an array"})
    end
  end

  defp expect(<<c, _::binary>> = bin, c), do: bin
  defp expect(_, c), do: throw({:json, "expected #{<<c>>}"})

  defp str(bin, acc) do
    case :binary.match(bin, ["\"", "\\"]) do
      :nomatch ->
        throw({:json, "unterminated string"})

      {pos, 1} ->
        <<chunk::binary-size(pos), c, rest::binary>> = bin
        acc = [acc, chunk]

        case c do
          ?" -> {IO.iodata_to_binary(acc), rest}
          ?\\ -> unescape(rest, acc)
        end
    end
  end

  defp unescape(<<?u, a, b, c, d, rest::binary>>, acc) do
    cp = hex(<<a, b, c, d>>)

    if cp in 0xD800..0xDBFF do
      case rest do
        <<?\\, ?u, e, f, g, h, rest2::binary>> ->
          low = hex(<<e, f, g, h>>)
          str(rest2, [acc, <<0x10000 + (cp - 0xD800) * 0x400 + (low - 0xDC00)::utf8>>])

        _ ->
          throw({:json, "lone surrogate in string"})
      end
    else
      str(rest, [acc, <<cp::utf8>>])
    end
  end

  defp unescape(<<c, rest::binary>>, acc) do
    ch =
      case c do
        ?" -> ?"
        ?\\ -> ?\\
        ?/ -> ?/
        ?b -> ?\b
        ?f -> ?\f
        ?n -> ?\n
        ?r -> ?\r
        ?t -> ?\t
        _ -> throw({:json, "bad escape \\#{<<c>>}"})
      end

    str(rest, [acc, ch])
  end

  defp unescape(_, _), do: throw({:json, "unterminated escape"})

  defp hex(h) do
    case Integer.parse(h, 16) do
      {n, ""} -> n
      _ -> throw({:json, "bad \\u escape"})
    end
  end

  defp number(bin) do
    {int_part, rest} = take_number(bin, [])

    case Integer.parse(int_part) do
      {i, ""} ->
        {i, rest}

      _ ->
        case Float.parse(int_part) do
          {f, ""} -> {f, rest}
          _ -> throw({:json, "bad number #{int_part}"})
        end
    end
  end

  defp take_number(<<c, rest::binary>>, acc) when c in ?0..?9 or c in [?-, ?+, ?., ?e, ?E],
    do: take_number(rest, [acc, c])

  defp take_number(rest, acc), do: {IO.iodata_to_binary(acc), rest}
end
