defmodule Scenario do
  # Pass-to-pass: good pages only, then status.
  import FixBugSuite

  def run do
    {:ok, pid} = Crawler.start()
    urls = for i <- 1..int(1, 5), do: "http://#{word()}#{i}.example"
    empty = Crawler.status()
    casts = Enum.map(urls, &Crawler.crawl/1)
    pages = Map.new(urls, &{&1, "<html>" <> &1 <> "</html>"})

    with :ok <- expect(:start_registers_the_name, Process.whereis(Crawler), pid),
         :ok <- expect(:status_before_any_crawl, empty, %{pages: %{}, failed: []}),
         :ok <- expect(:crawl_returns_ok, Enum.uniq(casts), [:ok]) do
      eventually(:status_after_crawls, 1_000, fn ->
        Crawler.status() == %{pages: pages, failed: []}
      end)
    end
  end
end
