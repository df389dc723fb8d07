import type { DesignProblem } from "../types.js";

const A = '"https://a.example"';
const B = '"https://b.example"';

export const scraperJobs: DesignProblem = {
  id: "scraper-jobs",
  title: "Bounded concurrent scraping jobs",
  category: "dynamic-workers",
  story:
    "Run web-scraping jobs on demand, at most 10 at the same time. A job that crashes must not disturb the other " +
    "jobs and is restarted; a job that finishes its work stops for good. If jobs crash more than 3 times within " +
    "5 seconds, something is wrong with the whole job runner: it must give up and let the failure escalate instead " +
    "of retrying for ever.",
  contract: [
    "- Top supervisor `Scraper.Supervisor` with `start_link(opts)`.",
    "- `Scraper.Registry`: a `Registry` with unique keys; every job registers in it under its url.",
    "- `Scraper.JobSupervisor`: the supervisor (registered under that name) whose children are the jobs.",
    "- `Scraper.start_job(url)` returns `{:ok, pid}`, or an error tuple when no further job may run now; the job is a `Scraper.Job` process registered in `Scraper.Registry` under `url`.",
    "- Option `:job_ms` (default `30_000`): how long a job works before it finishes normally.",
  ].join("\n"),
  topModule: "Scraper.Supervisor",
  startOptions: "[job_ms: 60_000]",
  requirements: [
    {
      id: "at-most-10-jobs",
      kind: "concurrency_limit",
      description: "No more than 10 jobs run at once.",
      supervisor: { name: "Scraper.JobSupervisor" },
      limit: 10,
      start: "Scraper.start_job",
    },
    {
      id: "job-transient",
      kind: "restart_type",
      description: "A crashed job is restarted, a finished one is not (transient).",
      setup: [{ fn: "Scraper.start_job", args: [A] }],
      process: { registry: "Scraper.Registry", key: A },
      restart: "transient",
    },
    {
      id: "jobs-isolated",
      kind: "crash_isolation",
      description: "Killing one job restarts it and leaves the other job alone.",
      setup: [
        { fn: "Scraper.start_job", args: [A] },
        { fn: "Scraper.start_job", args: [B] },
      ],
      kill: { registry: "Scraper.Registry", key: A },
      restarted: true,
      survivors: [{ registry: "Scraper.Registry", key: B }],
    },
    {
      id: "job-supervisor-intensity",
      kind: "intensity",
      description: "The job supervisor allows 3 restarts in 5 seconds.",
      supervisor: { name: "Scraper.JobSupervisor" },
      maxRestarts: 3,
      maxSeconds: 5,
    },
    {
      id: "job-supervisor-gives-up",
      kind: "escalation",
      description: "A fourth crash within 5 seconds takes the job supervisor down.",
      setup: [{ fn: "Scraper.start_job", args: [A] }],
      supervisor: { name: "Scraper.JobSupervisor" },
      kill: { registry: "Scraper.Registry", key: A },
      crashes: 4,
      expect: "exits",
    },
    {
      id: "limit-under-concurrent-starts",
      kind: "concurrent_calls",
      description: "Thirty jobs asked for at the same moment: exactly 10 start, each its own process, and no more than 10 run.",
      clients: 30,
      call: { fn: "Scraper.start_job", index: { prefix: "https://job-" } },
      okPids: { min: 10, max: 10, distinct: true },
      running: { supervisor: { name: "Scraper.JobSupervisor" }, worker: "Scraper.Job", max: 10 },
      // Nine jobs first, then two at once: exactly one more starts.
      explore: {
        clients: 2,
        setup: Array.from({ length: 9 }, (_, i) => ({ fn: "Scraper.start_job", args: [`"https://early-${i + 1}"`] })),
        okPids: { min: 1, max: 1, distinct: true },
      },
    },
    {
      id: "job-runner-recovers",
      kind: "recovers_after_escalation",
      description: "After the job supervisor gave up, the top brings it back and new jobs can be started again.",
      setup: [{ fn: "Scraper.start_job", args: [A] }],
      supervisor: { name: "Scraper.JobSupervisor" },
      kill: { registry: "Scraper.Registry", key: A },
      crashes: 4,
      running: [{ name: "Scraper.JobSupervisor" }],
      then: [{ call: { fn: "Scraper.start_job", args: [B] }, eventually: "{:ok, _}", withinMs: 2000 }],
    },
  ],
  reference: {
    architecture:
      "Scraper.Supervisor (rest_for_one) starts Scraper.Registry (unique keys) and then Scraper.JobSupervisor, a " +
      "DynamicSupervisor with max_children: 10, max_restarts: 3, max_seconds: 5. rest_for_one because the jobs' " +
      "registrations live in the Registry: if it restarts, the jobs must restart too. Each job is a transient " +
      "GenServer (Scraper.Job) named {:via, Registry, {Scraper.Registry, url}}: a crash restarts it, finishing " +
      "normally ({:stop, :normal, state}) does not. Scraper.start_job/1 calls DynamicSupervisor.start_child, which " +
      "answers {:error, :max_children} beyond 10 jobs. A fourth crash within 5 s exceeds the job supervisor's " +
      "intensity, so it exits and the top supervisor decides what happens next. The job duration comes from the " +
      "start options through the dynamic supervisor's extra_arguments.",
    skeleton: String.raw`defmodule Scraper.Job do
  use GenServer, restart: :transient

  def start_link(job_ms, url) do
    GenServer.start_link(__MODULE__, {url, job_ms}, name: {:via, Registry, {Scraper.Registry, url}})
  end

  @impl true
  def init({url, job_ms}) do
    Process.send_after(self(), :done, job_ms)
    {:ok, %{url: url}}
  end

  @impl true
  def handle_info(:done, state), do: {:stop, :normal, state}
end

defmodule Scraper do
  def start_job(url), do: DynamicSupervisor.start_child(Scraper.JobSupervisor, {Scraper.Job, url})
end

defmodule Scraper.Supervisor do
  use Supervisor

  def start_link(opts), do: Supervisor.start_link(__MODULE__, opts, name: __MODULE__)

  @impl true
  def init(opts) do
    job_ms = Keyword.get(opts, :job_ms, 30_000)

    children = [
      {Registry, keys: :unique, name: Scraper.Registry},
      {DynamicSupervisor,
       name: Scraper.JobSupervisor,
       strategy: :one_for_one,
       max_children: 10,
       max_restarts: 3,
       max_seconds: 5,
       extra_arguments: [job_ms]}
    ]

    Supervisor.init(children, strategy: :rest_for_one)
  end
end
`,
  },
};
