import { execFileSync } from "node:child_process";

/** Is an OS process (or any member of its process group) still around? */
export function osProcessLeft(pids: number[]): number[] {
  const out = execFileSync("ps", ["-eo", "pid=,pgid="], { encoding: "utf8" });
  const rows = out
    .trim()
    .split("\n")
    .map((l) => l.trim().split(/\s+/).map(Number));
  return rows.filter(([pid, pgid]) => pids.includes(pid!) || pids.includes(pgid!)).map(([pid]) => pid!);
}

export const COUNTER = `
defmodule Counter do
  use GenServer
  def start_link(n), do: GenServer.start_link(__MODULE__, n, name: __MODULE__)
  def inc, do: GenServer.call(__MODULE__, :inc)
  def get, do: GenServer.call(__MODULE__, :get)
  @impl true
  def init(n), do: {:ok, n}
  @impl true
  def handle_call(:inc, _from, n), do: {:reply, n + 1, n + 1}
  def handle_call(:get, _from, n), do: {:reply, n, n}
  @impl true
  def handle_cast(:reset, _n), do: {:noreply, 0}
end
`;
