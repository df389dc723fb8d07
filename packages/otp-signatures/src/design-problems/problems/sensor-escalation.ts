import type { DesignProblem } from "../types.js";

const reader = { name: "Sensors.Reader" };

export const sensorEscalation: DesignProblem = {
  id: "sensor-escalation",
  title: "Give up after repeated hardware failures",
  category: "fault-tolerance",
  story:
    "A reader process polls a hardware sensor. An occasional crash is expected and the reader should simply be " +
    "restarted, but if it crashes more than 2 times within 10 seconds the hardware is broken: the sensor subsystem " +
    "must stop and let the failure escalate to whoever started it, instead of retrying for ever.",
  contract: [
    "- Top supervisor `Sensors.Supervisor` with `start_link(opts)`.",
    "- `Sensors.Reader`: the reader process, registered under its module name, a direct child of the top supervisor with its default child id.",
  ].join("\n"),
  topModule: "Sensors.Supervisor",
  startOptions: "[]",
  requirements: [
    {
      id: "intensity-2-in-10",
      kind: "intensity",
      description: "The supervisor allows 2 restarts in 10 seconds.",
      supervisor: "top",
      maxRestarts: 2,
      maxSeconds: 10,
    },
    {
      id: "survives-2-crashes",
      kind: "escalation",
      description: "Two quick crashes are absorbed: the reader is restarted and the supervisor keeps running.",
      supervisor: "top",
      kill: reader,
      crashes: 2,
      expect: "survives",
    },
    {
      id: "exits-on-3-crashes",
      kind: "escalation",
      description: "A third crash within 10 seconds takes the supervisor down.",
      supervisor: "top",
      kill: reader,
      crashes: 3,
      expect: "exits",
    },
    {
      id: "reader-permanent",
      kind: "restart_type",
      description: "The reader is always restarted (permanent).",
      process: { supervisor: "top", id: "Sensors.Reader" },
      restart: "permanent",
    },
    {
      id: "occasional-crash-restarted",
      kind: "scenario",
      description: "An occasional crash only restarts the reader: the subsystem stays up.",
      steps: [{ kill: reader }, { running: reader, withinMs: 3000 }],
    },
  ],
  reference: {
    architecture:
      "Sensors.Supervisor (one_for_one, max_restarts: 2, max_seconds: 10) supervises one permanent GenServer, " +
      "Sensors.Reader. Restart intensity is the supervisor-wide budget: a third restart within 10 seconds exceeds " +
      "it, so the supervisor terminates its child and exits, handing the failure to its own parent.",
    skeleton: String.raw`defmodule Sensors.Reader do
  use GenServer
  def start_link(opts), do: GenServer.start_link(__MODULE__, opts, name: __MODULE__)
  @impl true
  def init(_opts), do: {:ok, %{last: nil}}
end

defmodule Sensors.Supervisor do
  use Supervisor

  def start_link(opts), do: Supervisor.start_link(__MODULE__, opts, name: __MODULE__)

  @impl true
  def init(opts) do
    Supervisor.init([{Sensors.Reader, opts}], strategy: :one_for_one, max_restarts: 2, max_seconds: 10)
  end
end
`,
  },
};
