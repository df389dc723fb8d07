import type { DesignProblem } from "../types.js";

export const reportTasks: DesignProblem = {
  id: "report-tasks",
  title: "One-shot report generators that are never retried",
  category: "dynamic-workers",
  story:
    "Generate reports on demand. A generator e-mails its report when it is done, so a generator that crashed must " +
    "NOT be retried automatically (a retry could send the e-mail twice); the user will simply ask again. Reports " +
    "being generated at the same time must not notice the crash. At most 4 reports are generated at once.",
  contract: [
    "- Top supervisor `Reports.Supervisor` with `start_link(opts)`.",
    "- `Reports.Registry`: a `Registry` with unique keys; every generator registers in it under its report id.",
    "- `Reports.GeneratorSupervisor`: the supervisor (registered under that name) whose children are the generators.",
    "- `Reports.generate(report_id)` returns `{:ok, pid}`, or an error tuple when no further generator may run now; the generator is a `Reports.Generator` process registered in `Reports.Registry` under `report_id`.",
    "- Option `:work_ms` (default `10_000`): how long generating a report takes.",
  ].join("\n"),
  topModule: "Reports.Supervisor",
  startOptions: "[work_ms: 60_000]",
  requirements: [
    {
      id: "generator-temporary",
      kind: "restart_type",
      description: "A crashed generator is not restarted (temporary).",
      setup: [{ fn: "Reports.generate", args: ["1"] }],
      process: { registry: "Reports.Registry", key: "1" },
      restart: "temporary",
    },
    {
      id: "at-most-4-generators",
      kind: "concurrency_limit",
      description: "No more than 4 generators run at once.",
      supervisor: { name: "Reports.GeneratorSupervisor" },
      limit: 4,
      start: "Reports.generate",
    },
    {
      id: "generators-isolated",
      kind: "crash_isolation",
      description: "Killing one generator leaves it down and the other generator running.",
      setup: [
        { fn: "Reports.generate", args: ["1"] },
        { fn: "Reports.generate", args: ["2"] },
      ],
      kill: { registry: "Reports.Registry", key: "1" },
      restarted: false,
      survivors: [{ registry: "Reports.Registry", key: "2" }],
    },
    {
      id: "limit-under-concurrent-requests",
      kind: "concurrent_calls",
      description: "Ten reports asked for at the same moment: exactly 4 generators start and no more than 4 run.",
      clients: 10,
      call: { fn: "Reports.generate", index: { prefix: "report-" } },
      okPids: { min: 4, max: 4, distinct: true },
      running: { supervisor: { name: "Reports.GeneratorSupervisor" }, worker: "Reports.Generator", max: 4 },
      // Three reports first, then two at once: exactly one more starts.
      explore: {
        clients: 2,
        setup: ["1", "2", "3"].map((id) => ({ fn: "Reports.generate", args: [id] })),
        okPids: { min: 1, max: 1, distinct: true },
      },
    },
    {
      id: "crashed-generator-frees-its-slot",
      kind: "scenario",
      description: "With 4 generators running, one that crashes frees its place: a fifth report can start.",
      steps: [
        { call: { fn: "Reports.generate", args: ["1"] }, expect: "{:ok, _}" },
        { call: { fn: "Reports.generate", args: ["2"] }, expect: "{:ok, _}" },
        { call: { fn: "Reports.generate", args: ["3"] }, expect: "{:ok, _}" },
        { call: { fn: "Reports.generate", args: ["4"] }, expect: "{:ok, _}" },
        { kill: { registry: "Reports.Registry", key: "1" } },
        { call: { fn: "Reports.generate", args: ["5"] }, eventually: "{:ok, _}", withinMs: 2000 },
      ],
    },
  ],
  reference: {
    architecture:
      "Reports.Supervisor (rest_for_one) starts Reports.Registry and then Reports.GeneratorSupervisor, a " +
      "DynamicSupervisor with max_children: 4. Each generator is a temporary GenServer registered via the Registry " +
      "under its report id: temporary, because a retry after a crash could send the e-mail twice, so the supervisor " +
      "only cleans up. one_for_one under the dynamic supervisor keeps other generators untouched. The work time " +
      "comes from the start options (extra_arguments), so tests can keep generators alive.",
    skeleton: String.raw`defmodule Reports.Generator do
  use GenServer, restart: :temporary

  def start_link(work_ms, report_id) do
    GenServer.start_link(__MODULE__, {report_id, work_ms}, name: {:via, Registry, {Reports.Registry, report_id}})
  end

  @impl true
  def init({report_id, work_ms}) do
    Process.send_after(self(), :finish, work_ms)
    {:ok, %{report_id: report_id}}
  end

  @impl true
  def handle_info(:finish, state) do
    # Here the report would be e-mailed; then the generator is done.
    {:stop, :normal, state}
  end
end

defmodule Reports do
  def generate(report_id) do
    DynamicSupervisor.start_child(Reports.GeneratorSupervisor, {Reports.Generator, report_id})
  end
end

defmodule Reports.Supervisor do
  use Supervisor

  def start_link(opts), do: Supervisor.start_link(__MODULE__, opts, name: __MODULE__)

  @impl true
  def init(opts) do
    children = [
      {Registry, keys: :unique, name: Reports.Registry},
      {DynamicSupervisor,
       name: Reports.GeneratorSupervisor,
       strategy: :one_for_one,
       max_children: 4,
       extra_arguments: [Keyword.get(opts, :work_ms, 10_000)]}
    ]

    Supervisor.init(children, strategy: :rest_for_one)
  end
end
`,
  },
};
