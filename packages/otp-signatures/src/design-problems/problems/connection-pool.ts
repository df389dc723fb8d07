import type { DesignProblem } from "../types.js";

const conn = (i: number) => ({ supervisor: "top" as const, id: `{Pool.Connection, ${i}}` });

export const connectionPool: DesignProblem = {
  id: "connection-pool",
  title: "A fixed-size pool of independent connections",
  category: "dynamic-workers",
  story:
    "Keep a fixed pool of database connections so that the database never sees more than a configured number of " +
    "connections from us (10 in production). The connections are independent: one dying must not disturb the " +
    "others, and it is replaced at once.",
  contract: [
    "- Top supervisor `Pool.Supervisor` with `start_link(opts)`.",
    "- Option `:size` (default `10`): the number of connections.",
    "- The connections are `Pool.Connection` processes, direct children of the top supervisor with child ids `{Pool.Connection, 1}` to `{Pool.Connection, size}`.",
  ].join("\n"),
  topModule: "Pool.Supervisor",
  startOptions: "[size: 4]",
  requirements: [
    {
      id: "pool-size",
      kind: "concurrency_limit",
      description: "Exactly `size` connections run (4 when started with size: 4).",
      supervisor: "top",
      limit: 4,
      worker: "Pool.Connection",
    },
    {
      id: "connections-isolated",
      kind: "crash_isolation",
      description: "A crashed connection is replaced and the other connections keep running.",
      kill: conn(2),
      restarted: true,
      survivors: [conn(1), conn(3), conn(4)],
    },
    {
      id: "pool-one-for-one",
      kind: "strategy",
      description: "The pool supervisor restarts only the failed connection (one_for_one).",
      supervisor: "top",
      strategy: "one_for_one",
    },
    {
      id: "closed-connection-replaced",
      kind: "normal_exit",
      description: "A connection that ends normally (closed by the database) is replaced too, and the others keep running.",
      process: conn(2),
      restarted: true,
      survivors: [conn(1), conn(3), conn(4)],
    },
  ],
  reference: {
    architecture:
      "Pool.Supervisor (one_for_one) builds `size` child specs for Pool.Connection, each with id " +
      "{Pool.Connection, i} (Supervisor.child_spec/2 with an explicit id, since the default id would collide). " +
      "Connections are permanent GenServers holding their index; one_for_one replaces a dead connection without " +
      "touching the others. The size comes from the start options.",
    skeleton: String.raw`defmodule Pool.Connection do
  use GenServer
  def start_link(index), do: GenServer.start_link(__MODULE__, index)
  @impl true
  def init(index), do: {:ok, %{index: index}}
end

defmodule Pool.Supervisor do
  use Supervisor

  def start_link(opts), do: Supervisor.start_link(__MODULE__, opts, name: __MODULE__)

  @impl true
  def init(opts) do
    size = Keyword.get(opts, :size, 10)

    children =
      for i <- 1..size do
        Supervisor.child_spec({Pool.Connection, i}, id: {Pool.Connection, i})
      end

    Supervisor.init(children, strategy: :one_for_one)
  end
end
`,
  },
};
