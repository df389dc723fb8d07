import type { DesignProblem } from "../types.js";

const C1 = '"client-1"';
const hit = { fn: "Limiter.hit", args: [C1] };

export const rateLimiter: DesignProblem = {
  id: "rate-limiter",
  title: "Per-client request allowance that refills after a window",
  category: "timers",
  story:
    "Protect an API from abusive clients: each client may make at most 3 requests per time window (one minute in " +
    "production). Once the window has passed, the client's allowance is back to full. The limiter is one shared " +
    "service; if it crashes it must be restarted.",
  contract: [
    "- Top supervisor `Limiter.Supervisor` with `start_link(opts)`.",
    "- `Limiter.Server`: the limiter process, registered under its module name, a direct child of the top supervisor with its default child id.",
    "- `Limiter.hit(client)` returns `:ok` when the request is allowed (and counts it) or `{:error, :rate_limited}`; `Limiter.remaining(client)` returns how many requests the client may still make now, without counting one (3 for a client never seen).",
    "- Option `:window_ms` (default `60_000`): the length of the window, in milliseconds.",
  ].join("\n"),
  topModule: "Limiter.Supervisor",
  startOptions: "[window_ms: 1000]",
  requirements: [
    {
      id: "allowance-refills",
      kind: "expiry",
      description: "After 3 requests the client has no allowance left; after the window it has 3 again.",
      setup: [hit, hit, hit],
      probe: { fn: "Limiter.remaining", args: [C1] },
      present: "0",
      absent: "3",
      withinMs: 5000,
    },
    {
      id: "server-permanent",
      kind: "restart_type",
      description: "The limiter is always restarted (permanent).",
      process: { supervisor: "top", id: "Limiter.Server" },
      restart: "permanent",
    },
    {
      id: "limit-under-concurrent-clients",
      kind: "concurrent_calls",
      description: "Ten requests of one client at the same moment: exactly 3 are allowed.",
      clients: 10,
      call: { fn: "Limiter.hit", args: [C1] },
      replies: [
        { match: ":ok", count: 3 },
        { match: "{:error, :rate_limited}", count: 7 },
      ],
      // Two requests first, then two at once: exactly one of them fits.
      explore: {
        clients: 2,
        setup: [hit, hit],
        replies: [
          { match: ":ok", count: 1 },
          { match: "{:error, :rate_limited}", count: 1 },
        ],
      },
    },
    {
      id: "window-not-extended-by-hits",
      kind: "scenario",
      description: "The window starts with the client's first request; later requests do not push it back.",
      startOptions: "[window_ms: 2000]",
      steps: [
        { call: hit, expect: ":ok" },
        { waitMs: 1200 },
        { call: hit, expect: ":ok" },
        { waitMs: 1300 },
        { call: { fn: "Limiter.remaining", args: [C1] }, expect: "3" },
      ],
    },
    {
      id: "limited-client-does-not-block-others",
      kind: "latency",
      description: "A client that is over its limit is answered at once; it never holds up another client.",
      startOptions: "[window_ms: 3000]",
      setup: [hit, hit, hit],
      blocker: hit,
      probe: { fn: "Limiter.remaining", args: ['"client-2"'] },
      expect: "3",
      withinMs: 1000,
    },
    {
      id: "client-counts-reclaimed",
      kind: "reclaims",
      description: "What the limiter keeps about a client is dropped once its window has passed.",
      fill: { fn: "Limiter.hit", index: { prefix: "client-" } },
      count: 2000,
      withinMs: 5000,
    },
  ],
  reference: {
    architecture:
      "Limiter.Supervisor (one_for_one) supervises one permanent GenServer, Limiter.Server, registered under its " +
      "module name. The server keeps client => count for the current window of each client: the first counted hit " +
      "of a client schedules Process.send_after(self(), {:reset, client}, window_ms), and the reset message drops " +
      "the client's count. remaining/1 is a read-only call. The window length comes from the start options.",
    skeleton: String.raw`defmodule Limiter.Server do
  use GenServer

  @limit 3

  def start_link(opts), do: GenServer.start_link(__MODULE__, opts, name: __MODULE__)

  @impl true
  def init(opts), do: {:ok, %{window_ms: Keyword.get(opts, :window_ms, 60_000), counts: %{}}}

  @impl true
  def handle_call({:hit, client}, _from, state) do
    case Map.get(state.counts, client, 0) do
      n when n >= @limit ->
        {:reply, {:error, :rate_limited}, state}

      n ->
        # The first hit opens the client's window.
        if n == 0, do: Process.send_after(self(), {:reset, client}, state.window_ms)
        {:reply, :ok, %{state | counts: Map.put(state.counts, client, n + 1)}}
    end
  end

  def handle_call({:remaining, client}, _from, state) do
    {:reply, @limit - Map.get(state.counts, client, 0), state}
  end

  @impl true
  def handle_info({:reset, client}, state), do: {:noreply, %{state | counts: Map.delete(state.counts, client)}}
end

defmodule Limiter do
  def hit(client), do: GenServer.call(Limiter.Server, {:hit, client})
  def remaining(client), do: GenServer.call(Limiter.Server, {:remaining, client})
end

defmodule Limiter.Supervisor do
  use Supervisor

  def start_link(opts), do: Supervisor.start_link(__MODULE__, opts, name: __MODULE__)

  @impl true
  def init(opts), do: Supervisor.init([{Limiter.Server, opts}], strategy: :one_for_one)
end
`,
  },
};
