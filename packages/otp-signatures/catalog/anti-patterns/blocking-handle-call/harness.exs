defmodule Scenario do
  def run do
    {:ok, _} = Thumbnailer.start()
    render = Task.async(fn -> Thumbnailer.render("cat.png", 3_000) end)
    # Let the render request reach the server first.
    Process.sleep(50)

    stats =
      try do
        {:ok, Thumbnailer.stats(400)}
      catch
        :exit, reason -> {:blocked, reason}
      end

    thumb = Task.await(render, 3_000)

    case {stats, thumb} do
      {{:ok, %{rendered: 0}}, {:thumb, "cat.png"}} -> :ok
      {{:blocked, reason}, _} -> {:error, {:server_blocked_during_render, reason}}
      other -> {:error, {:unexpected, other}}
    end
  end
end
