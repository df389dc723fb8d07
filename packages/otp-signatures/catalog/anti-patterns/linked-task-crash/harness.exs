defmodule Scenario do
  def run do
    {:ok, _} = Crawler.start()
    # Which pages and how many of them fail change from run to run.
    urls =
      for i <- 1..Enum.random(3..6),
          do: "#{Enum.random(["http", "bad"])}://site#{Enum.random(10..99)}-#{i}.example"

    urls =
      if Enum.any?(urls, &String.starts_with?(&1, "bad")),
        do: urls,
        else: ["bad://down.example" | urls]

    Enum.each(urls, &Crawler.crawl/1)
    {bad, good} = Enum.split_with(urls, &String.starts_with?(&1, "bad"))
    await_done(Enum.sort(good), Enum.sort(bad), 100)
  end

  # Polls until every good page is stored and every bad one is marked failed.
  defp await_done(_good, _bad, 0), do: {:error, :crawl_never_finished}

  defp await_done(good, bad, tries) do
    case status() do
      {:ok, %{pages: pages, failed: failed}} ->
        if Enum.sort(Map.keys(pages)) == good and Enum.sort(failed) == bad do
          :ok
        else
          Process.sleep(10)
          await_done(good, bad, tries - 1)
        end

      {:down, reason} ->
        {:error, {:crawler_died, reason}}
    end
  end

  defp status do
    {:ok, Crawler.status()}
  catch
    :exit, reason -> {:down, reason}
  end
end
