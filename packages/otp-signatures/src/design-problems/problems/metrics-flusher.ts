import type { DesignProblem } from "../types.js";

export const metricsFlusher: DesignProblem = {
  id: "metrics-flusher",
  title: "Periodic flushing that survives a flusher crash",
  category: "timers",
  story:
    "Collect application metrics in memory and flush them to storage periodically (every 10 seconds in " +
    "production). The buffer that holds recorded metrics and the flusher that periodically drains it are separate " +
    "processes: a crash of the flusher must not lose the buffered metrics.",
  contract: [
    "- Top supervisor `Metrics.Supervisor` with `start_link(opts)`.",
    "- `Metrics.Buffer` and `Metrics.Flusher`: processes registered under their module names, direct children of the top supervisor.",
    "- `Metrics.record(value)` returns `:ok`; `Metrics.pending()` returns how many recorded values have not been flushed yet.",
    "- Option `:flush_ms` (default `10_000`): the flush period, in milliseconds.",
  ].join("\n"),
  topModule: "Metrics.Supervisor",
  startOptions: "[flush_ms: 1000]",
  requirements: [
    {
      id: "periodic-flush",
      kind: "expiry",
      description: "Recorded values are pending at first and flushed within the flush period.",
      setup: [
        { fn: "Metrics.record", args: ["1"] },
        { fn: "Metrics.record", args: ["2"] },
      ],
      probe: { fn: "Metrics.pending", args: [] },
      present: "2",
      absent: "0",
      withinMs: 5000,
    },
    {
      id: "flusher-crash-keeps-buffer",
      kind: "crash_isolation",
      description: "A flusher crash restarts the flusher and leaves the buffer (and its data) alone.",
      kill: { name: "Metrics.Flusher" },
      restarted: true,
      survivors: [{ name: "Metrics.Buffer" }],
    },
    {
      id: "flusher-hang-keeps-buffer",
      kind: "hang",
      description:
        "While the flusher hangs (past any call timeout), the buffer keeps its pid, keeps accepting values and keeps every value.",
      setup: [
        { fn: "Metrics.record", args: ["1"] },
        { fn: "Metrics.record", args: ["2"] },
      ],
      target: { name: "Metrics.Flusher" },
      holdMs: 5500,
      survivors: [{ name: "Metrics.Buffer" }],
      during: [{ call: { fn: "Metrics.record", args: ["3"] }, expect: ":ok" }],
      after: [{ call: { fn: "Metrics.pending", args: [] }, expect: "3" }],
    },
    {
      id: "slow-flusher-catches-up",
      kind: "slow_dependency",
      description:
        "A flusher that is slow for a while (past any call timeout) leaves the buffer alone and flushes everything once it is back.",
      setup: [
        { fn: "Metrics.record", args: ["1"] },
        { fn: "Metrics.record", args: ["2"] },
      ],
      target: { name: "Metrics.Flusher" },
      holdMs: 5500,
      survivors: [{ name: "Metrics.Buffer" }],
      during: [{ call: { fn: "Metrics.record", args: ["3"] }, expect: ":ok" }],
      after: [{ call: { fn: "Metrics.pending", args: [] }, eventually: "0", withinMs: 4000 }],
    },
  ],
  reference: {
    architecture:
      "Metrics.Supervisor (rest_for_one) starts Metrics.Buffer, a GenServer holding the recorded values, and then " +
      "Metrics.Flusher, a GenServer that schedules itself with Process.send_after every flush_ms and asks the buffer " +
      "to hand over and clear its values. The data lives in the buffer, so a flusher crash restarts only the " +
      "flusher and loses nothing; rest_for_one also restarts the flusher if the buffer itself is replaced.",
    skeleton: String.raw`defmodule Metrics.Buffer do
  use GenServer
  def start_link(opts), do: GenServer.start_link(__MODULE__, opts, name: __MODULE__)
  @impl true
  def init(_opts), do: {:ok, []}
  @impl true
  def handle_call({:record, value}, _from, values), do: {:reply, :ok, [value | values]}
  def handle_call(:pending, _from, values), do: {:reply, length(values), values}
  def handle_call(:drain, _from, values), do: {:reply, Enum.reverse(values), []}
end

defmodule Metrics.Flusher do
  use GenServer
  def start_link(opts), do: GenServer.start_link(__MODULE__, opts, name: __MODULE__)

  @impl true
  def init(opts) do
    period = Keyword.get(opts, :flush_ms, 10_000)
    Process.send_after(self(), :flush, period)
    {:ok, %{period: period, flushed: 0}}
  end

  @impl true
  def handle_info(:flush, state) do
    values = GenServer.call(Metrics.Buffer, :drain)
    Process.send_after(self(), :flush, state.period)
    {:noreply, %{state | flushed: state.flushed + length(values)}}
  end
end

defmodule Metrics do
  def record(value), do: GenServer.call(Metrics.Buffer, {:record, value})
  def pending, do: GenServer.call(Metrics.Buffer, :pending)
end

defmodule Metrics.Supervisor do
  use Supervisor

  def start_link(opts), do: Supervisor.start_link(__MODULE__, opts, name: __MODULE__)

  @impl true
  def init(opts) do
    Supervisor.init([{Metrics.Buffer, opts}, {Metrics.Flusher, opts}], strategy: :rest_for_one)
  end
end
`,
  },
};
