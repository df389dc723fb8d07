defmodule QuoteService do
  use GenServer

  # Answers price questions by asking an upstream feed process.
  def start(feed), do: GenServer.start(__MODULE__, feed, name: __MODULE__)

  @impl true
  def init(feed), do: {:ok, %{feed: feed, waiting: %{}}}

  @impl true
  def handle_call({:quote, item}, from, state) do
    send(state.feed, {:price?, item, self()})
    {:noreply, %{state | waiting: Map.update(state.waiting, item, [from], &[from | &1])}}
  end

  @impl true
  def handle_info({:price, item, price}, state) do
    {callers, waiting} = Map.pop(state.waiting, item, [])
    Enum.each(callers, &GenServer.reply(&1, {:ok, price}))
    {:noreply, %{state | waiting: waiting}}
  end
end

defmodule PriceClient do
  @timeout 200

  # A bounded wait turns "the feed never answers" into an error the caller
  # can handle. (A late reply is dropped: since OTP 24 calls wait on an
  # alias that is deactivated at the timeout.)
  def quote(item) do
    GenServer.call(QuoteService, {:quote, item}, @timeout)
  catch
    :exit, {:timeout, _} -> {:error, :timeout}
  end
end
