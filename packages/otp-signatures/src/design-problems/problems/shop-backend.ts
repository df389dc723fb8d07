import type { DesignProblem } from "../types.js";

const child = (id: string) => ({ supervisor: "top" as const, id });

export const shopBackend: DesignProblem = {
  id: "shop-backend",
  title: "Dependent services restarted in order",
  category: "restart-strategy",
  story:
    "An online shop runs three long-lived services: a database connection, a product cache filled from that " +
    "connection, and the HTTP API that reads the cache. The cache is useless once the connection it was built " +
    "from has died: whenever the connection restarts, the cache must restart after it, and the API after the cache. " +
    "An API crash, however, must not touch the connection or the cache, and a cache crash must not touch the " +
    "connection.",
  contract: [
    "- Top supervisor `Shop.Supervisor` with `start_link(opts)`.",
    "- `Shop.Repo` (the connection), `Shop.Cache` and `Shop.Api`: processes registered under their module names, direct children of the top supervisor with their default child ids (the module names).",
  ].join("\n"),
  topModule: "Shop.Supervisor",
  startOptions: "[]",
  requirements: [
    {
      id: "strategy-rest-for-one",
      kind: "strategy",
      description: "The top supervisor restarts a crashed child and every child started after it (rest_for_one).",
      supervisor: "top",
      strategy: "rest_for_one",
    },
    {
      id: "repo-restart-cascades",
      kind: "ordered_restart",
      description: "The children start Repo, Cache, Api; a Repo crash restarts all three.",
      supervisor: "top",
      order: ["Shop.Repo", "Shop.Cache", "Shop.Api"],
      kill: "Shop.Repo",
    },
    {
      id: "cache-restart-spares-repo",
      kind: "ordered_restart",
      description: "A Cache crash restarts Cache and Api but not Repo.",
      supervisor: "top",
      order: ["Shop.Repo", "Shop.Cache", "Shop.Api"],
      kill: "Shop.Cache",
    },
    {
      id: "api-crash-isolated",
      kind: "crash_isolation",
      description: "An Api crash restarts only the Api.",
      kill: child("Shop.Api"),
      restarted: true,
      survivors: [child("Shop.Repo"), child("Shop.Cache")],
    },
    {
      id: "repo-normal-exit-restarted",
      kind: "normal_exit",
      description: "The services are long-lived: a connection that ends normally is started again.",
      process: child("Shop.Repo"),
      restarted: true,
    },
  ],
  reference: {
    architecture:
      "Shop.Supervisor with strategy rest_for_one and children in dependency order: Shop.Repo, Shop.Cache, " +
      "Shop.Api, all permanent GenServers registered under their module names. rest_for_one restarts the crashed " +
      "child and every child started after it, which is exactly the dependency chain: a Repo crash rebuilds the " +
      "cache and the API, a Cache crash rebuilds the API, an API crash touches nothing else.",
    skeleton: String.raw`defmodule Shop.Repo do
  use GenServer
  def start_link(opts), do: GenServer.start_link(__MODULE__, opts, name: __MODULE__)
  @impl true
  def init(_opts), do: {:ok, %{connected: true}}
end

defmodule Shop.Cache do
  use GenServer
  def start_link(opts), do: GenServer.start_link(__MODULE__, opts, name: __MODULE__)
  # Built from the current connection: it must not outlive it.
  @impl true
  def init(_opts), do: {:ok, %{repo: Process.whereis(Shop.Repo), products: %{}}}
end

defmodule Shop.Api do
  use GenServer
  def start_link(opts), do: GenServer.start_link(__MODULE__, opts, name: __MODULE__)
  @impl true
  def init(_opts), do: {:ok, %{cache: Process.whereis(Shop.Cache)}}
end

defmodule Shop.Supervisor do
  use Supervisor

  def start_link(opts), do: Supervisor.start_link(__MODULE__, opts, name: __MODULE__)

  @impl true
  def init(opts) do
    Supervisor.init([{Shop.Repo, opts}, {Shop.Cache, opts}, {Shop.Api, opts}], strategy: :rest_for_one)
  end
end
`,
  },
};
