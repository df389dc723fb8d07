defmodule Scenario do
  def run do
    {:ok, _} = Crawler.start()
    Crawler.crawl("http://a.example")
    Crawler.crawl("bad://b.example")
    Crawler.crawl("http://c.example")
    await_done(100)
  end

  # Polls until both good pages are stored and the bad one is marked failed.
  defp await_done(0), do: {:error, :crawl_never_finished}

  defp await_done(tries) do
    case status() do
      {:ok, %{pages: %{"http://a.example" => _, "http://c.example" => _}, failed: ["bad://b.example"]}} ->
        :ok

      {:ok, _partial} ->
        Process.sleep(10)
        await_done(tries - 1)

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
