defmodule Scenario do
  def run do
    w = Enum.random(2..2_000)
    h = Enum.random(2..2_000)
    # The bad images change from run to run, and several in a row must all
    # be answered: a caller that learns of the crash from a monitor answers
    # at once, one that waits a fixed time does not.
    bad =
      for _ <- 1..Enum.random(3..5),
          do:
            Enum.random([:corrupted, nil, {:png, 0, h}, {:png, w, -1}, {:jpeg, w, h}, "image.png"])

    with {:ok, {:ok, {:png, dw, dh}}} when dw == div(w, 2) and dh == div(h, 2) <-
           within(fn -> Resizer.resize({:png, w, h}) end, 1_000),
         {:ok, errors} <- within(fn -> Enum.map(bad, &Resizer.resize/1) end, 1_000),
         true <-
           Enum.all?(errors, &match?({:error, _}, &1)) || {:error, {:bad_images_answered, errors}} do
      :ok
    else
      :hung -> {:error, :caller_waits_forever}
      {:error, _} = error -> error
      other -> {:error, {:unexpected, other}}
    end
  end

  defp within(fun, ms) do
    task = Task.async(fun)

    case Task.yield(task, ms) || Task.shutdown(task, :brutal_kill) do
      {:ok, value} -> {:ok, value}
      nil -> :hung
      {:exit, reason} -> {:exit, reason}
    end
  end
end
