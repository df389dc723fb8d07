defmodule Scenario do
  def run do
    {:ok, pid} = Inbox.start()
    :ok = Inbox.deliver("hello")
    send(pid, :stray_message)
    send(pid, {:another, :one})
    :ok = Inbox.deliver("world")

    cond do
      Process.whereis(Inbox) != pid -> {:error, :server_replaced}
      Inbox.all() != ["hello", "world"] -> {:error, :messages_lost}
      true -> :ok
    end
  end
end
