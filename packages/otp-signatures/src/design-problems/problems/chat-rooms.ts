import type { DesignProblem } from "../types.js";

const LOBBY = '"lobby"';
const ELIXIR = '"elixir"';
const room = (key: string) => ({ registry: "Chat.Registry", key });

export const chatRooms: DesignProblem = {
  id: "chat-rooms",
  title: "One process per chat room, found by name",
  category: "registry",
  story:
    "A chat server keeps one process per chat room, created the first time someone joins the room and found again " +
    "by name afterwards. A crash in one room must not affect any other room, and the crashed room comes back. The " +
    "room name lookup table is shared by all rooms: if it ever restarts, the rooms registered in it have lost their " +
    "registrations and must be restarted after it; a room crash must never restart the lookup table.",
  contract: [
    "- Top supervisor `Chat.Supervisor` with `start_link(opts)`.",
    "- `Chat.Registry`: a `Registry` with unique keys, a direct child of the top supervisor with child id `Chat.Registry`.",
    "- `Chat.RoomSupervisor`: the supervisor of the rooms, registered under that name, a direct child of the top supervisor with child id `Chat.RoomSupervisor`.",
    "- `Chat.ensure_room(name)` returns `{:ok, pid}`: it starts a `Chat.Room` process for `name` under `Chat.RoomSupervisor` when none runs, or returns the running one. Rooms register in `Chat.Registry` under their name.",
  ].join("\n"),
  topModule: "Chat.Supervisor",
  startOptions: "[]",
  requirements: [
    {
      id: "room-per-name",
      kind: "registry",
      description: "Each room name has exactly one process, registered in Chat.Registry and supervised by Chat.RoomSupervisor.",
      registry: "Chat.Registry",
      ensure: "Chat.ensure_room",
      keys: [LOBBY, ELIXIR],
      supervisor: { name: "Chat.RoomSupervisor" },
    },
    {
      id: "rooms-isolated",
      kind: "crash_isolation",
      description: "A room crash restarts that room only; other rooms and the registry keep running.",
      setup: [
        { fn: "Chat.ensure_room", args: [LOBBY] },
        { fn: "Chat.ensure_room", args: [ELIXIR] },
      ],
      kill: room(LOBBY),
      restarted: true,
      survivors: [room(ELIXIR), { name: "Chat.Registry" }],
    },
    {
      // Killing the Registry itself is not used as the fault: its partitions
      // release the named ETS table asynchronously, so an immediate restart
      // can race with them on any design. The strategy requirement below
      // covers the registry-first cascade.
      id: "registry-first-and-spared",
      kind: "ordered_restart",
      description: "The registry starts before the room supervisor, and a crash of the room supervisor does not restart the registry.",
      supervisor: "top",
      order: ["Chat.Registry", "Chat.RoomSupervisor"],
      kill: "Chat.RoomSupervisor",
    },
    {
      id: "top-rest-for-one",
      kind: "strategy",
      description: "The top supervisor uses rest_for_one (rooms depend on the registry).",
      supervisor: "top",
      strategy: "rest_for_one",
    },
    {
      id: "concurrent-joins-one-room",
      kind: "concurrent_calls",
      description: "Twenty users joining one new room at the same moment all get the same room, and only one room process runs.",
      clients: 20,
      call: { fn: "Chat.ensure_room", args: [LOBBY] },
      okPids: { min: 20, same: true },
      running: { supervisor: { name: "Chat.RoomSupervisor" }, worker: "Chat.Room", max: 1 },
      explore: { clients: 2, okPids: { min: 2, same: true } },
    },
  ],
  reference: {
    architecture:
      "Chat.Supervisor (rest_for_one) starts Chat.Registry (unique keys) and then Chat.RoomSupervisor, a " +
      "DynamicSupervisor (one_for_one). Each room is a permanent Chat.Room GenServer named " +
      "{:via, Registry, {Chat.Registry, name}}. Chat.ensure_room/1 looks the name up and starts a room under the " +
      "dynamic supervisor only when it is missing ({:error, {:already_started, pid}} from a concurrent start is " +
      "treated as success). rest_for_one makes a registry restart rebuild the rooms, whose registrations died with " +
      "it, while a room crash touches only that room.",
    skeleton: String.raw`defmodule Chat.Room do
  use GenServer

  def start_link(name), do: GenServer.start_link(__MODULE__, name, name: {:via, Registry, {Chat.Registry, name}})

  @impl true
  def init(name), do: {:ok, %{name: name, members: MapSet.new()}}
end

defmodule Chat do
  def ensure_room(name) do
    case Registry.lookup(Chat.Registry, name) do
      [{pid, _}] ->
        {:ok, pid}

      [] ->
        case DynamicSupervisor.start_child(Chat.RoomSupervisor, {Chat.Room, name}) do
          {:ok, pid} -> {:ok, pid}
          {:error, {:already_started, pid}} -> {:ok, pid}
          other -> other
        end
    end
  end
end

defmodule Chat.Supervisor do
  use Supervisor

  def start_link(opts), do: Supervisor.start_link(__MODULE__, opts, name: __MODULE__)

  @impl true
  def init(_opts) do
    children = [
      {Registry, keys: :unique, name: Chat.Registry},
      {DynamicSupervisor, name: Chat.RoomSupervisor, strategy: :one_for_one}
    ]

    Supervisor.init(children, strategy: :rest_for_one)
  end
end
`,
  },
};
