import type { DesignProblem } from "../types.js";

const named = (name: string) => ({ name });

export const gameSession: DesignProblem = {
  id: "game-session",
  title: "Tightly coupled game processes restarted together",
  category: "restart-strategy",
  story:
    "A multiplayer game round runs three processes that hold assumptions about each other: the board, the turn " +
    "clock and the referee. If any one of them crashes, the other two hold state that no longer matches, so all " +
    "three must be restarted together from a clean slate.",
  contract: [
    "- Top supervisor `Game.Supervisor` with `start_link(opts)`.",
    "- `Game.Board`, `Game.Clock` and `Game.Referee`: processes registered under their module names, direct children of the top supervisor.",
  ].join("\n"),
  topModule: "Game.Supervisor",
  startOptions: "[]",
  requirements: [
    {
      id: "strategy-one-for-all",
      kind: "strategy",
      description: "The top supervisor restarts all children when one crashes (one_for_all).",
      supervisor: "top",
      strategy: "one_for_all",
    },
    {
      id: "clock-crash-restarts-all",
      kind: "group_restart",
      description: "A Clock crash restarts Board and Referee too.",
      kill: named("Game.Clock"),
      group: [named("Game.Board"), named("Game.Referee")],
    },
    {
      id: "board-crash-restarts-all",
      kind: "group_restart",
      description: "A Board crash restarts Clock and Referee too.",
      kill: named("Game.Board"),
      group: [named("Game.Clock"), named("Game.Referee")],
    },
  ],
  reference: {
    architecture:
      "Game.Supervisor with strategy one_for_all over three permanent GenServers, Game.Board, Game.Clock and " +
      "Game.Referee, each registered under its module name. one_for_all terminates the survivors and restarts all " +
      "three whenever one crashes, so they always start from a consistent state.",
    skeleton: String.raw`defmodule Game.Board do
  use GenServer
  def start_link(opts), do: GenServer.start_link(__MODULE__, opts, name: __MODULE__)
  @impl true
  def init(_opts), do: {:ok, %{cells: %{}}}
end

defmodule Game.Clock do
  use GenServer
  def start_link(opts), do: GenServer.start_link(__MODULE__, opts, name: __MODULE__)
  @impl true
  def init(_opts), do: {:ok, %{turn: 0}}
end

defmodule Game.Referee do
  use GenServer
  def start_link(opts), do: GenServer.start_link(__MODULE__, opts, name: __MODULE__)
  @impl true
  def init(_opts), do: {:ok, %{fouls: 0}}
end

defmodule Game.Supervisor do
  use Supervisor

  def start_link(opts), do: Supervisor.start_link(__MODULE__, opts, name: __MODULE__)

  @impl true
  def init(opts) do
    Supervisor.init([{Game.Board, opts}, {Game.Clock, opts}, {Game.Referee, opts}], strategy: :one_for_all)
  end
end
`,
  },
};
