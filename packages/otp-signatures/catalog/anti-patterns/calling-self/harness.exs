defmodule Scenario do
  def run do
    {:ok, _} = Cart.start()
    :ok = Cart.add(:book, 12)
    :ok = Cart.add(:pen, 3)

    try do
      case Cart.total() do
        15 -> :ok
        other -> {:error, {:wrong_total, other}}
      end
    catch
      :exit, reason -> {:error, {:total_failed, reason}}
    end
  end
end
