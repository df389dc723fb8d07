// The demo's third step: every interleaving of two small systems, explored on
// the BEAM. The brief's "race condition in a GenServer counter" (each client
// asks the server to increment) has one outcome: it is not a race. The real
// lost update (each client reads with a call, then writes with a cast) has
// two, and the explorer shows the schedule that loses an update.
import { explore, type ExploredOutcome, type ExploreResult, type Pool } from "@otpforge/beam";

const COUNTER = `
defmodule Counter do
  use GenServer
  def start_link(n), do: GenServer.start_link(__MODULE__, n, name: __MODULE__)
  def init(n), do: {:ok, n}
  def handle_call(:inc, _from, n), do: {:reply, n + 1, n + 1}
  def handle_call(:get, _from, n), do: {:reply, n, n}
  def handle_cast({:set, v}, _n), do: {:noreply, v}
end
`;

export const DEMO_SCENARIOS = [
  {
    name: "the brief's counter: two clients call :inc",
    expected: ["2"],
    source: `${COUNTER}
defmodule Scenario do
  def run do
    {:ok, _} = Counter.start_link(0)
    clients = for _ <- 1..2, do: Task.async(fn -> GenServer.call(Counter, :inc) end)
    Enum.each(clients, &Task.await/1)
    GenServer.call(Counter, :get)
  end
end`,
  },
  {
    name: "a real lost update: two clients get, then set",
    expected: ["1", "2"],
    /** The outcome whose witness is shown: the update that was lost. */
    show: "1",
    source: `${COUNTER}
defmodule Scenario do
  def run do
    {:ok, _} = Counter.start_link(0)
    bump = fn -> v = GenServer.call(Counter, :get); GenServer.cast(Counter, {:set, v + 1}) end
    clients = for _ <- 1..2, do: Task.async(bump)
    Enum.each(clients, &Task.await/1)
    GenServer.call(Counter, :get)
  end
end`,
  },
] as const;

export interface ExploreStepResult {
  name: string;
  outcomes: string[];
  complete: boolean;
  schedules: number;
  asExpected: boolean;
}

/** One scenario explored, with what a reader is shown: every outcome, and the witness of the update that was lost. */
export interface ExploredScenario {
  step: ExploreStepResult;
  result: ExploreResult;
  /** The outcome whose witness is shown, when the scenario has one and the search reached it. */
  shown?: ExploredOutcome;
}

export async function exploreDemoScenarios(pool: Pool, onExplored: (e: ExploredScenario) => void): Promise<ExploreStepResult[]> {
  const out: ExploreStepResult[] = [];
  for (const s of DEMO_SCENARIOS) {
    const r: ExploreResult = await explore(pool, s.source);
    const outcomes = r.outcomes.map((o) => o.outcome).sort();
    const asExpected = r.complete && JSON.stringify(outcomes) === JSON.stringify([...s.expected].sort());
    const step = { name: s.name, outcomes, complete: r.complete, schedules: r.schedules, asExpected };
    const shown = "show" in s ? r.outcomes.find((o) => o.outcome === s.show) : undefined;
    onExplored({ step, result: r, ...(shown ? { shown } : {}) });
    out.push(step);
  }
  return out;
}
