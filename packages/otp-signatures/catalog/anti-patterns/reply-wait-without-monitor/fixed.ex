defmodule Resizer do
  # Runs each resize in a throwaway process and waits for its answer.
  def resize(image) do
    caller = self()
    {pid, ref} = spawn_monitor(fn -> send(caller, {:resized, self(), shrink(image)}) end)

    # The monitor guarantees one of the two messages arrives: the result, or
    # a :DOWN saying why the worker died.
    receive do
      {:resized, ^pid, result} ->
        Process.demonitor(ref, [:flush])
        {:ok, result}

      {:DOWN, ^ref, :process, ^pid, reason} ->
        {:error, reason}
    end
  end

  defp shrink({:png, width, height}) when width > 0 and height > 0,
    do: {:png, div(width, 2), div(height, 2)}

  defp shrink(other), do: raise(ArgumentError, "cannot resize " <> inspect(other))
end
