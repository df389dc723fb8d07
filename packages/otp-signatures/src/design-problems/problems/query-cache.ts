import type { DesignProblem } from "../types.js";

export const queryCache: DesignProblem = {
  id: "query-cache",
  title: "Query-result cache with expiring entries",
  category: "timers",
  story:
    "Our API repeats the same expensive database queries. Build a cache for query results that keeps each entry " +
    "for a limited time (five minutes in production) and then forgets it, so a stale result is never served. " +
    "If the cache process crashes it may lose its entries, but it must come back by itself.",
  contract: [
    "- Top supervisor `QueryCache.Supervisor` with `start_link(opts)`.",
    "- `QueryCache.Store`: the process holding the entries, registered under its module name, a direct child of the top supervisor (default child id).",
    "- `QueryCache.put(key, value)` returns `:ok`; `QueryCache.get(key)` returns `{:ok, value}`, or `:error` when the key was never stored or has expired.",
    "- Option `:ttl_ms` (default `300_000`): how long an entry lives, in milliseconds.",
  ].join("\n"),
  topModule: "QueryCache.Supervisor",
  startOptions: "[ttl_ms: 1000]",
  requirements: [
    {
      id: "entry-expires",
      kind: "expiry",
      description: "A stored entry is readable at once and gone after its time to live.",
      setup: [{ fn: "QueryCache.put", args: ['"users:1"', "42"] }],
      probe: { fn: "QueryCache.get", args: ['"users:1"'] },
      present: "{:ok, 42}",
      absent: ":error",
      withinMs: 5000,
    },
    {
      id: "store-permanent",
      kind: "restart_type",
      description: "The store is always restarted (permanent).",
      process: { supervisor: "top", id: "QueryCache.Store" },
      restart: "permanent",
    },
    {
      id: "re-put-keeps-newer-value",
      kind: "scenario",
      description: "Putting a key again gives the new value its own full time to live: the older put's timer does not cut it short.",
      startOptions: "[ttl_ms: 1500]",
      steps: [
        { call: { fn: "QueryCache.put", args: ['"users:1"', "1"] }, expect: ":ok" },
        { waitMs: 800 },
        { call: { fn: "QueryCache.put", args: ['"users:1"', "2"] }, expect: ":ok" },
        { waitMs: 900 },
        { call: { fn: "QueryCache.get", args: ['"users:1"'] }, expect: "{:ok, 2}" },
      ],
      stable: [{ name: "QueryCache.Store" }],
    },
    {
      id: "expired-entries-reclaimed",
      kind: "reclaims",
      description: "Expired entries are removed, not only hidden: after expiry the cache's memory is back near where it started.",
      fill: { fn: "QueryCache.put", args: ["[1, 2, 3, 4, 5, 6, 7, 8]"], index: { prefix: "query:", at: 0 } },
      count: 2000,
      withinMs: 5000,
    },
  ],
  reference: {
    architecture:
      "QueryCache.Supervisor (one_for_one) supervises one permanent GenServer, QueryCache.Store, registered under its " +
      "module name. The store keeps a map key => {value, ref}. Every put schedules its own timer with " +
      "Process.send_after(self(), {:expire, key, ref}, ttl_ms); the timer deletes the entry only if the entry still " +
      "carries that ref, so a newer put of the same key is not cut short by an older timer. The TTL comes from the " +
      "start options so tests can shorten it. A crash loses the entries, which is acceptable for a cache; the " +
      "supervisor restarts the store empty.",
    skeleton: String.raw`defmodule QueryCache.Store do
  use GenServer

  def start_link(opts), do: GenServer.start_link(__MODULE__, opts, name: __MODULE__)

  @impl true
  def init(opts), do: {:ok, %{ttl: Keyword.get(opts, :ttl_ms, 300_000), entries: %{}}}

  @impl true
  def handle_call({:put, key, value}, _from, state) do
    # A ref per put: an older timer must not delete a newer value.
    ref = make_ref()
    Process.send_after(self(), {:expire, key, ref}, state.ttl)
    {:reply, :ok, %{state | entries: Map.put(state.entries, key, {value, ref})}}
  end

  def handle_call({:get, key}, _from, state) do
    case Map.fetch(state.entries, key) do
      {:ok, {value, _ref}} -> {:reply, {:ok, value}, state}
      :error -> {:reply, :error, state}
    end
  end

  @impl true
  def handle_info({:expire, key, ref}, state) do
    case Map.fetch(state.entries, key) do
      {:ok, {_value, ^ref}} -> {:noreply, %{state | entries: Map.delete(state.entries, key)}}
      _ -> {:noreply, state}
    end
  end
end

defmodule QueryCache do
  def put(key, value), do: GenServer.call(QueryCache.Store, {:put, key, value})
  def get(key), do: GenServer.call(QueryCache.Store, {:get, key})
end

defmodule QueryCache.Supervisor do
  use Supervisor

  def start_link(opts), do: Supervisor.start_link(__MODULE__, opts, name: __MODULE__)

  @impl true
  def init(opts), do: Supervisor.init([{QueryCache.Store, opts}], strategy: :one_for_one)
end
`,
  },
};
