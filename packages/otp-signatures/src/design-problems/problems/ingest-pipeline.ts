import type { DesignProblem } from "../types.js";

const named = (name: string) => ({ name });

export const ingestPipeline: DesignProblem = {
  id: "ingest-pipeline",
  title: "Shared configuration above independent workers",
  category: "restart-strategy",
  story:
    "Incoming events are parsed by a parser and stored by a writer that keeps an open batch. Parser and writer " +
    "work side by side and do not depend on each other: a crash of one must not restart the other. Both read their " +
    "settings at start-up from a small configuration process; if that process restarts, the parser and the writer " +
    "must both restart after it so they pick up the new settings. The whole pipeline may restart its parts at most " +
    "5 times per 30 seconds before giving up.",
  contract: [
    "- Top supervisor `Ingest.Supervisor` with `start_link(opts)`.",
    "- `Ingest.Config`: the configuration process, registered under its module name, a direct child of the top supervisor with its default child id.",
    "- `Ingest.Workers`: a supervisor registered under that name, a direct child of the top supervisor with child id `Ingest.Workers`, supervising the parser and the writer.",
    "- `Ingest.Parser` and `Ingest.Writer`: processes registered under their module names.",
  ].join("\n"),
  topModule: "Ingest.Supervisor",
  startOptions: "[]",
  requirements: [
    {
      id: "top-rest-for-one",
      kind: "strategy",
      description: "The top supervisor uses rest_for_one: the workers depend on the config.",
      supervisor: "top",
      strategy: "rest_for_one",
    },
    {
      id: "config-before-workers",
      kind: "ordered_restart",
      description: "Config starts before the workers; a Config crash restarts the workers' supervisor too.",
      supervisor: "top",
      order: ["Ingest.Config", "Ingest.Workers"],
      kill: "Ingest.Config",
    },
    {
      id: "config-crash-restarts-both",
      kind: "group_restart",
      description: "A Config crash restarts both parser and writer.",
      kill: named("Ingest.Config"),
      group: [named("Ingest.Parser"), named("Ingest.Writer")],
    },
    {
      id: "parser-crash-isolated",
      kind: "crash_isolation",
      description: "A Parser crash restarts only the parser.",
      kill: named("Ingest.Parser"),
      restarted: true,
      survivors: [named("Ingest.Writer"), named("Ingest.Config")],
    },
    {
      id: "top-intensity",
      kind: "intensity",
      description: "The top supervisor allows 5 restarts in 30 seconds.",
      supervisor: "top",
      maxRestarts: 5,
      maxSeconds: 30,
    },
    {
      id: "writer-normal-exit-restarted",
      kind: "normal_exit",
      description: "A writer that ends normally is started again, and the parser is not touched.",
      process: named("Ingest.Writer"),
      restarted: true,
      survivors: [named("Ingest.Parser"), named("Ingest.Config")],
    },
  ],
  reference: {
    architecture:
      "Ingest.Supervisor (rest_for_one, max_restarts: 5, max_seconds: 30) starts Ingest.Config first and then " +
      "Ingest.Workers, a one_for_one supervisor over Ingest.Parser and Ingest.Writer. rest_for_one at the top makes " +
      "a Config crash restart the whole workers subtree after it; one_for_one inside keeps parser and writer " +
      "independent of each other. A flat rest_for_one over all three would wrongly restart the writer when the " +
      "parser crashes.",
    skeleton: String.raw`defmodule Ingest.Config do
  use GenServer
  def start_link(opts), do: GenServer.start_link(__MODULE__, opts, name: __MODULE__)
  def settings, do: GenServer.call(__MODULE__, :settings)
  @impl true
  def init(_opts), do: {:ok, %{batch_size: 100}}
  @impl true
  def handle_call(:settings, _from, state), do: {:reply, state, state}
end

defmodule Ingest.Parser do
  use GenServer
  def start_link(opts), do: GenServer.start_link(__MODULE__, opts, name: __MODULE__)
  @impl true
  def init(_opts), do: {:ok, %{settings: Ingest.Config.settings()}}
end

defmodule Ingest.Writer do
  use GenServer
  def start_link(opts), do: GenServer.start_link(__MODULE__, opts, name: __MODULE__)
  @impl true
  def init(_opts), do: {:ok, %{settings: Ingest.Config.settings(), batch: []}}
end

defmodule Ingest.Workers do
  use Supervisor
  def start_link(opts), do: Supervisor.start_link(__MODULE__, opts, name: __MODULE__)
  @impl true
  def init(opts), do: Supervisor.init([{Ingest.Parser, opts}, {Ingest.Writer, opts}], strategy: :one_for_one)
end

defmodule Ingest.Supervisor do
  use Supervisor

  def start_link(opts), do: Supervisor.start_link(__MODULE__, opts, name: __MODULE__)

  @impl true
  def init(opts) do
    Supervisor.init([{Ingest.Config, opts}, {Ingest.Workers, opts}],
      strategy: :rest_for_one,
      max_restarts: 5,
      max_seconds: 30
    )
  end
end
`,
  },
};
