import type { DesignProblem } from "../types.js";

const mailer = { name: "Notifications.Mailer" };
const ledger = { name: "Payments.Ledger" };

export const platformIsolation: DesignProblem = {
  id: "platform-isolation",
  title: "A flaky subsystem that escalates without touching payments",
  category: "fault-tolerance",
  story:
    "A platform runs payments and e-mail notifications. The mail sender talks to a flaky provider: if it crashes " +
    "more than once within 5 seconds, the notifications subsystem should give up and be restarted fresh by the top " +
    "of the system. Payments must never be disturbed by anything that happens to notifications.",
  contract: [
    "- Top supervisor `Platform.Supervisor` with `start_link(opts)`.",
    "- `Payments.Supervisor` and `Notifications.Supervisor`: supervisors registered under their module names, direct children of the top supervisor.",
    "- `Payments.Ledger` (under `Payments.Supervisor`) and `Notifications.Mailer` (under `Notifications.Supervisor`): processes registered under their module names.",
  ].join("\n"),
  topModule: "Platform.Supervisor",
  startOptions: "[]",
  requirements: [
    {
      id: "notifications-intensity",
      kind: "intensity",
      description: "The notifications supervisor allows 1 restart in 5 seconds.",
      supervisor: { name: "Notifications.Supervisor" },
      maxRestarts: 1,
      maxSeconds: 5,
    },
    {
      id: "notifications-give-up",
      kind: "escalation",
      description: "Two quick mailer crashes take the notifications supervisor down; the ledger keeps running.",
      supervisor: { name: "Notifications.Supervisor" },
      kill: mailer,
      crashes: 2,
      expect: "exits",
      unaffected: [ledger],
    },
    {
      id: "top-absorbs-escalation",
      kind: "escalation",
      description: "The top supervisor survives the notifications escalation and payments are untouched.",
      supervisor: "top",
      kill: mailer,
      crashes: 2,
      expect: "survives",
      unaffected: [ledger, { name: "Payments.Supervisor" }],
    },
    {
      id: "top-one-for-one",
      kind: "strategy",
      description: "The top supervisor restarts only the failed subsystem (one_for_one).",
      supervisor: "top",
      strategy: "one_for_one",
    },
    {
      id: "repeated-escalations-absorbed",
      kind: "repeated_escalation",
      description:
        "A flaky provider makes the notifications subsystem give up again and again; each time it comes back and payments are untouched.",
      supervisor: { name: "Notifications.Supervisor" },
      kill: mailer,
      crashes: 2,
      rounds: 4,
      parent: "top",
      unaffected: [ledger, { name: "Payments.Supervisor" }],
    },
    {
      id: "notifications-come-back",
      kind: "recovers_after_escalation",
      description: "After giving up, the notifications subsystem is restarted fresh with a running mailer.",
      supervisor: { name: "Notifications.Supervisor" },
      kill: mailer,
      crashes: 2,
      running: [mailer],
    },
  ],
  reference: {
    architecture:
      "Platform.Supervisor (one_for_one) over two subsystem supervisors: Payments.Supervisor (one_for_one, " +
      "default intensity) with Payments.Ledger, and Notifications.Supervisor (one_for_one, max_restarts: 1, " +
      "max_seconds: 5) with Notifications.Mailer. A second mailer crash within 5 s exceeds the notifications " +
      "budget, so that supervisor exits; the top supervisor restarts it with a fresh mailer, and because the top " +
      "is one_for_one the payments subtree keeps its processes. The top gets a large budget (max_restarts: 100 " +
      "in 5 s): with the default 3 in 5 s, four notification escalations in a row would make the top itself give " +
      "up and take the ledger down with it, which the story forbids.",
    skeleton: String.raw`defmodule Payments.Ledger do
  use GenServer
  def start_link(opts), do: GenServer.start_link(__MODULE__, opts, name: __MODULE__)
  @impl true
  def init(_opts), do: {:ok, %{entries: []}}
end

defmodule Notifications.Mailer do
  use GenServer
  def start_link(opts), do: GenServer.start_link(__MODULE__, opts, name: __MODULE__)
  @impl true
  def init(_opts), do: {:ok, %{sent: 0}}
end

defmodule Payments.Supervisor do
  use Supervisor
  def start_link(opts), do: Supervisor.start_link(__MODULE__, opts, name: __MODULE__)
  @impl true
  def init(opts), do: Supervisor.init([{Payments.Ledger, opts}], strategy: :one_for_one)
end

defmodule Notifications.Supervisor do
  use Supervisor
  def start_link(opts), do: Supervisor.start_link(__MODULE__, opts, name: __MODULE__)
  @impl true
  def init(opts) do
    Supervisor.init([{Notifications.Mailer, opts}], strategy: :one_for_one, max_restarts: 1, max_seconds: 5)
  end
end

defmodule Platform.Supervisor do
  use Supervisor

  def start_link(opts), do: Supervisor.start_link(__MODULE__, opts, name: __MODULE__)

  @impl true
  def init(opts) do
    # Notifications may escalate often: the top must absorb that, or payments would go down with it.
    Supervisor.init([{Payments.Supervisor, opts}, {Notifications.Supervisor, opts}],
      strategy: :one_for_one,
      max_restarts: 100,
      max_seconds: 5
    )
  end
end
`,
  },
};
