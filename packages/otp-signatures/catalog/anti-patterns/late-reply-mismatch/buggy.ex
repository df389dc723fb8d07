defmodule Lookup do
  # A hand-rolled request/reply protocol.
  def start do
    pid = spawn(fn -> loop() end)
    Process.register(pid, __MODULE__)
    {:ok, pid}
  end

  def get(key, timeout) do
    send(__MODULE__, {:get, self(), key})

    # The reply carries nothing that ties it to this request. When a request
    # times out, its answer still arrives later and waits in the caller's
    # mailbox, where the *next* get/2 takes it for its own answer.
    receive do
      {:reply, value} -> {:ok, value}
    after
      timeout -> {:error, :timeout}
    end
  end

  defp loop do
    receive do
      {:get, from, key} -> send(from, {:reply, compute(key)})
    end

    loop()
  end

  defp compute(:report) do
    Process.sleep(300)
    :report_value
  end

  defp compute(key), do: {:value, key}
end
