defmodule Lookup do
  use GenServer

  def start, do: GenServer.start(__MODULE__, :ok, name: __MODULE__)

  # GenServer.call tags each request with a fresh reference and waits on an
  # alias; at a timeout the alias is deactivated, so a late reply is
  # dropped instead of being mistaken for the answer to a later request.
  def get(key, timeout) do
    {:ok, GenServer.call(__MODULE__, {:get, key}, timeout)}
  catch
    :exit, {:timeout, _} -> {:error, :timeout}
  end

  @impl true
  def init(:ok), do: {:ok, nil}

  @impl true
  def handle_call({:get, key}, _from, state), do: {:reply, compute(key), state}

  defp compute(:report) do
    Process.sleep(300)
    :report_value
  end

  defp compute(key), do: {:value, key}
end
