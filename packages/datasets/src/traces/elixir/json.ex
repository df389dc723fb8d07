defmodule TraceWorld.Json do
  @moduledoc false
  # A minimal JSON encoder (Elixir before 1.18 ships none): maps with string or
  # atom keys, lists, binaries, integers, booleans and nil. Enough for the
  # observations the trace generator reads back.

  def encode(nil), do: "null"
  def encode(true), do: "true"
  def encode(false), do: "false"
  def encode(n) when is_integer(n), do: Integer.to_string(n)
  def encode(a) when is_atom(a), do: encode(Atom.to_string(a))
  def encode(s) when is_binary(s), do: [?", escape(s), ?"] |> IO.iodata_to_binary()
  def encode(list) when is_list(list), do: "[" <> Enum.map_join(list, ",", &encode/1) <> "]"

  def encode(map) when is_map(map) do
    body = map |> Enum.map(fn {k, v} -> {to_string(k), v} end) |> Enum.sort() |> Enum.map_join(",", fn {k, v} -> encode(k) <> ":" <> encode(v) end)
    "{" <> body <> "}"
  end

  defp escape(s) do
    for <<c::utf8 <- s>>, into: "" do
      case c do
        ?" -> "\\\""
        ?\\ -> "\\\\"
        ?\n -> "\\n"
        ?\r -> "\\r"
        ?\t -> "\\t"
        c when c < 0x20 -> "\\u" <> String.pad_leading(Integer.to_string(c, 16), 4, "0")
        c -> <<c::utf8>>
      end
    end
  end
end
