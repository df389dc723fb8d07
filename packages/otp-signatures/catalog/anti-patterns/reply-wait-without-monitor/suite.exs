defmodule Scenario do
  # Pass-to-pass: good images, from several callers at once.
  import FixBugSuite

  def run do
    images = for _ <- 1..int(1, 6), do: {:png, int(1, 4_000), int(1, 4_000)}

    replies =
      images
      |> Enum.map(&Task.async(fn -> Resizer.resize(&1) end))
      |> Enum.map(&Task.await(&1, 2_000))

    expect(
      :resize_halves_good_images,
      replies,
      Enum.map(images, fn {:png, w, h} -> {:ok, {:png, div(w, 2), div(h, 2)}} end)
    )
  end
end
