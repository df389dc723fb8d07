import type { DesignProblem } from "../types.js";

const NEWS = '"news"';

export const topicHub: DesignProblem = {
  id: "topic-hub",
  title: "Per-topic processes that retire when idle",
  category: "registry",
  story:
    "Users subscribe to topics and publishers post to them. Each topic is served by its own process, created on " +
    "first use and found again by name. A topic without activity for a while (30 minutes in production) shuts " +
    "itself down to free memory; that is a normal end and the topic must not be restarted automatically. A topic " +
    "that crashes, on the other hand, must be restarted.",
  contract: [
    "- Top supervisor `Topics.Supervisor` with `start_link(opts)`.",
    "- `Topics.Registry`: a `Registry` with unique keys; every topic process registers in it under its topic name.",
    "- `Topics.TopicSupervisor`: the supervisor (registered under that name) whose children are the topic processes.",
    "- `Topics.ensure(topic)` returns `{:ok, pid}`, starting the topic process when none runs; `Topics.publish(topic, message)` returns `:ok` and counts as activity; `Topics.active?(topic)` returns `true` while the topic's process runs and `false` otherwise.",
    "- Option `:idle_ms` (default `1_800_000`): how long a topic may stay idle before it shuts down.",
  ].join("\n"),
  topModule: "Topics.Supervisor",
  startOptions: "[idle_ms: 60_000]",
  requirements: [
    {
      id: "topic-per-name",
      kind: "registry",
      description: "Each topic has exactly one process, registered in Topics.Registry and supervised by Topics.TopicSupervisor.",
      registry: "Topics.Registry",
      ensure: "Topics.ensure",
      keys: [NEWS, '"sports"'],
      supervisor: { name: "Topics.TopicSupervisor" },
    },
    {
      id: "topic-transient",
      kind: "restart_type",
      description: "A crashed topic is restarted, an idle one that stopped normally is not (transient).",
      setup: [{ fn: "Topics.ensure", args: [NEWS] }],
      process: { registry: "Topics.Registry", key: NEWS },
      restart: "transient",
    },
    {
      id: "idle-topic-retires",
      kind: "expiry",
      description: "A topic with no activity shuts itself down after the idle time.",
      startOptions: "[idle_ms: 1000]",
      setup: [{ fn: "Topics.ensure", args: [NEWS] }],
      probe: { fn: "Topics.active?", args: [NEWS] },
      present: "true",
      absent: "false",
      withinMs: 5000,
    },
    {
      id: "concurrent-ensure-one-topic",
      kind: "concurrent_calls",
      description: "Twenty clients asking for one new topic at the same moment all get the same process.",
      clients: 20,
      call: { fn: "Topics.ensure", args: [NEWS] },
      okPids: { min: 20, same: true },
      running: { supervisor: { name: "Topics.TopicSupervisor" }, max: 1 },
      explore: { clients: 2, okPids: { min: 2, same: true } },
    },
    {
      id: "publish-keeps-topic-alive",
      kind: "scenario",
      description:
        "A publish is activity: it restarts the idle time, and the topic retires once it has been idle again for the whole time.",
      startOptions: "[idle_ms: 1500]",
      steps: [
        { call: { fn: "Topics.ensure", args: [NEWS] }, expect: "{:ok, _}" },
        { waitMs: 1000 },
        { call: { fn: "Topics.publish", args: [NEWS, '"hello"'] }, expect: ":ok" },
        { waitMs: 1000 },
        { call: { fn: "Topics.active?", args: [NEWS] }, expect: "true" },
        { call: { fn: "Topics.active?", args: [NEWS] }, eventually: "false", withinMs: 4000 },
      ],
    },
  ],
  reference: {
    architecture:
      "Topics.Supervisor (rest_for_one) starts Topics.Registry and then Topics.TopicSupervisor, a DynamicSupervisor " +
      "whose children are transient Topics.Topic GenServers named {:via, Registry, {Topics.Registry, topic}}. Each " +
      "topic uses the GenServer timeout: every reply or noreply carries idle_ms, and handle_info(:timeout) returns " +
      "{:stop, :normal, state}. Transient means the normal idle stop is final while a crash is restarted. The idle " +
      "time reaches the topics through the dynamic supervisor's extra_arguments.",
    skeleton: String.raw`defmodule Topics.Topic do
  use GenServer, restart: :transient

  def start_link(idle_ms, topic) do
    GenServer.start_link(__MODULE__, {topic, idle_ms}, name: {:via, Registry, {Topics.Registry, topic}})
  end

  @impl true
  def init({topic, idle_ms}), do: {:ok, %{topic: topic, idle_ms: idle_ms, messages: []}, idle_ms}

  @impl true
  def handle_call({:publish, message}, _from, state) do
    {:reply, :ok, %{state | messages: [message | state.messages]}, state.idle_ms}
  end

  @impl true
  def handle_info(:timeout, state), do: {:stop, :normal, state}
end

defmodule Topics do
  def ensure(topic) do
    case Registry.lookup(Topics.Registry, topic) do
      [{pid, _}] ->
        {:ok, pid}

      [] ->
        case DynamicSupervisor.start_child(Topics.TopicSupervisor, {Topics.Topic, topic}) do
          {:ok, pid} -> {:ok, pid}
          {:error, {:already_started, pid}} -> {:ok, pid}
          other -> other
        end
    end
  end

  def publish(topic, message) do
    {:ok, pid} = ensure(topic)
    GenServer.call(pid, {:publish, message})
  end

  def active?(topic), do: Registry.lookup(Topics.Registry, topic) != []
end

defmodule Topics.Supervisor do
  use Supervisor

  def start_link(opts), do: Supervisor.start_link(__MODULE__, opts, name: __MODULE__)

  @impl true
  def init(opts) do
    children = [
      {Registry, keys: :unique, name: Topics.Registry},
      {DynamicSupervisor,
       name: Topics.TopicSupervisor, strategy: :one_for_one, extra_arguments: [Keyword.get(opts, :idle_ms, 1_800_000)]}
    ]

    Supervisor.init(children, strategy: :rest_for_one)
  end
end
`,
  },
};
