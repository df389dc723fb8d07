defmodule Resizer do
  # Runs each resize in a throwaway process and waits for its answer.
  def resize(image) do
    caller = self()
    spawn(fn -> send(caller, {:resized, image, shrink(image)}) end)

    # Nothing tells this receive that the worker died: if shrink/1 raises,
    # no message ever comes and the caller blocks for ever.
    receive do
      {:resized, ^image, result} -> {:ok, result}
    end
  end

  defp shrink({:png, width, height}) when width > 0 and height > 0,
    do: {:png, div(width, 2), div(height, 2)}

  defp shrink(other), do: raise(ArgumentError, "cannot resize " <> inspect(other))
end
