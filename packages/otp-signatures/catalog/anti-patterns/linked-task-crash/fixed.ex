defmodule Crawler do
  use GenServer

  def start, do: GenServer.start(__MODULE__, :ok, name: __MODULE__)
  def crawl(url), do: GenServer.cast(__MODULE__, {:crawl, url})
  def status, do: GenServer.call(__MODULE__, :status)

  @impl true
  def init(:ok) do
    {:ok, tasks_sup} = Task.Supervisor.start_link()
    {:ok, %{pages: %{}, failed: [], tasks: %{}, tasks_sup: tasks_sup}}
  end

  @impl true
  def handle_cast({:crawl, url}, state) do
    # async_nolink: the crawler only monitors the task, so a failed fetch
    # arrives as a :DOWN message instead of an exit signal.
    task = Task.Supervisor.async_nolink(state.tasks_sup, fn -> fetch(url) end)
    {:noreply, put_in(state.tasks[task.ref], url)}
  end

  @impl true
  def handle_call(:status, _from, state), do: {:reply, Map.take(state, [:pages, :failed]), state}

  @impl true
  def handle_info({ref, body}, state) when is_reference(ref) do
    Process.demonitor(ref, [:flush])
    {url, tasks} = Map.pop(state.tasks, ref)
    {:noreply, %{state | tasks: tasks, pages: Map.put(state.pages, url, body)}}
  end

  def handle_info({:DOWN, ref, :process, _pid, _reason}, state) do
    {url, tasks} = Map.pop(state.tasks, ref)
    {:noreply, %{state | tasks: tasks, failed: [url | state.failed]}}
  end

  defp fetch("bad://" <> _), do: raise("connection refused")
  defp fetch(url), do: "<html>" <> url <> "</html>"
end
