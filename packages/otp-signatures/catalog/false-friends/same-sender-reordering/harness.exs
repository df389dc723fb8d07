defmodule Scenario do
  @entries 2_000

  def run do
    {:ok, _} = Ledger.start()
    for n <- 1..@entries, do: Ledger.append(n)

    # The call is handled after every cast this process sent before it.
    if Ledger.entries() == Enum.to_list(1..@entries), do: :ok, else: {:error, :reordered}
  end
end
