defmodule Scenario do
  def run do
    {:ok, _} = Thumbnailer.start()
    images = for i <- 1..Enum.random(1..3), do: "img#{Enum.random(100..999)}-#{i}.png"

    renders =
      for image <- images, do: {image, Task.async(fn -> Thumbnailer.render(image, 3_000) end)}

    # How long the renders have been running when stats is asked changes from
    # run to run (a render takes 1 s): the answer must not depend on it. Never 0:
    # stats must come after a render has reached the server, or a blocking
    # server answers it first and the bug does not show in that run.
    Process.sleep(Enum.random([20, 50, 300]))

    stats =
      try do
        {:ok, Thumbnailer.stats(400)}
      catch
        :exit, reason -> {:blocked, reason}
      end

    # Several renders at once take about as long as one when none blocks the server.
    thumbs = for {image, task} <- renders, do: {image, Task.await(task, 1_900)}

    case {stats, Enum.all?(thumbs, fn {image, thumb} -> thumb == {:thumb, image} end)} do
      {{:ok, %{rendered: 0}}, true} -> :ok
      {{:blocked, reason}, _} -> {:error, {:server_blocked_during_render, reason}}
      other -> {:error, {:unexpected, other}}
    end
  end
end
