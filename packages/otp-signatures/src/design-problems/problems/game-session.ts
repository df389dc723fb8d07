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
    '- `Game.move(cell)` records a move (a string such as `"a1"`) on the board and returns `:ok`; `Game.moves()` returns the moves on the current board, oldest first.',
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
    {
      id: "restart-starts-clean",
      kind: "scenario",
      description: "After a crash the round starts from a clean slate: the moves of the old board are gone.",
      steps: [
        { call: { fn: "Game.move", args: ['"a1"'] }, expect: ":ok" },
        { call: { fn: "Game.move", args: ['"b2"'] }, expect: ":ok" },
        { call: { fn: "Game.moves", args: [] }, expect: '["a1", "b2"]' },
        { kill: named("Game.Clock") },
        { running: named("Game.Board"), withinMs: 3000 },
        { call: { fn: "Game.moves", args: [] }, eventually: "[]", withinMs: 3000 },
      ],
    },
  ],
  reference: {
    architecture:
      "Game.Supervisor with strategy one_for_all over three permanent GenServers, Game.Board, Game.Clock and " +
      "Game.Referee, each registered under its module name. one_for_all terminates the survivors and restarts all " +
      "three whenever one crashes, so they always start from a consistent state. The moves live in the board's " +
      "state (not outside the processes), so a restart really starts clean.",
    skeleton: String.raw`defmodule Game.Board do
  use GenServer
  def start_link(opts), do: GenServer.start_link(__MODULE__, opts, name: __MODULE__)
  @impl true
  def init(_opts), do: {:ok, %{moves: []}}
  @impl true
  def handle_call({:move, cell}, _from, state), do: {:reply, :ok, %{state | moves: [cell | state.moves]}}
  def handle_call(:moves, _from, state), do: {:reply, Enum.reverse(state.moves), state}
end

defmodule Game do
  def move(cell), do: GenServer.call(Game.Board, {:move, cell})
  def moves, do: GenServer.call(Game.Board, :moves)
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
