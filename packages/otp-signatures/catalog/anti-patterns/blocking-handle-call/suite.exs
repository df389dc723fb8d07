defmodule Scenario do
  # Pass-to-pass: one render at a time, then stats.
  import FixBugSuite

  def run do
    {:ok, pid} = Thumbnailer.start()
    image = word() <> ".png"

    with :ok <- expect(:start_registers_the_name, Process.whereis(Thumbnailer), pid),
         :ok <- expect(:stats_before_any_render, Thumbnailer.stats(), %{rendered: 0}),
         :ok <- expect(:stats_with_a_timeout, Thumbnailer.stats(1_000), %{rendered: 0}),
         :ok <- expect(:render_returns_the_thumb, Thumbnailer.render(image), {:thumb, image}) do
      # A render is counted once it has been answered (soon after, in a fix
      # that counts it in a message of its own).
      eventually(:stats_counts_the_render, 500, fn -> Thumbnailer.stats() == %{rendered: 1} end)
    end
  end
end
