// A concurrent_calls requirement under the explorer. The probe's plain run
// releases its clients together once: it shows one interleaving, and a race
// with a narrow window (a read and a write of shared state a client does back
// to back) passes it most of the time. A requirement with an `explore` variant
// is also checked in every interleaving of fewer clients: the skeleton and a
// standalone Scenario module (no probe: explored code cannot call a preload)
// run under the explorer, in virtual time, and Scenario.run/0 returns :ok or
// {:fail, why}. Any schedule that reaches something other than :ok fails the
// requirement; the explorer's witness says how.
import type { ExploredOutcome, JobRunner } from "@otpforge/beam";
import { assertAlias, assertElixirLiteral, parseTerm, type DesignProblem, type DesignRequirement } from "@otpforge/otp-signatures";
import { call, indexedCall, int, matcher, optInt, supRef } from "./probe-script.js";
import { searchSide } from "../pair-verification/explore-side.js";

type ConcurrentRequirement = Extract<DesignRequirement, { kind: "concurrent_calls" }>;

export const DEFAULT_EXPLORED_SCHEDULES = 2000;

/** What the explored variant found: `explored: false` leaves the plain run's verdict alone. */
export type ExploredCheck = { explored: true; pass: boolean; detail: string } | { explored: false; detail: string };

/** Every concurrent_calls requirement of the problem that has an explored variant, explored (at once). */
export async function exploreConcurrentCalls(
  pool: JobRunner,
  skeleton: string,
  problem: DesignProblem,
): Promise<Map<string, ExploredCheck>> {
  const reqs = problem.requirements.filter((r): r is ConcurrentRequirement => r.kind === "concurrent_calls" && r.explore !== undefined);
  const checks = await Promise.all(reqs.map(async (r) => [r.id, await exploreOne(pool, skeleton, problem, r)] as const));
  return new Map(checks);
}

async function exploreOne(pool: JobRunner, skeleton: string, problem: DesignProblem, r: ConcurrentRequirement): Promise<ExploredCheck> {
  const x = r.explore!;
  const search = await searchSide(pool, skeleton, exploredScenario(problem, r), x.maxSchedules ?? DEFAULT_EXPLORED_SCHEDULES);
  if (!search.ran) return { explored: false, detail: `not explored (${firstLine(search.why)})` };
  const who = `${x.clients} clients`;
  const f = search.failing;
  if (f?.outcome.startsWith("{:not_started"))
    return { explored: false, detail: `not explored: under the explorer the tree did not start (${f.outcome})` };
  if (f) {
    const of = search.complete ? `${search.schedules} interleavings` : `${search.schedules} interleavings searched`;
    return {
      explored: true,
      pass: false,
      detail: `explored with ${who}: ${whyFailed(f)} in ${f.schedules ?? 1} of ${of} (a witness of ${f.steps.length} steps: ${witnessText(f)})`,
    };
  }
  return search.complete
    ? { explored: true, pass: true, detail: `explored with ${who}: held in all ${search.schedules} interleavings` }
    : {
        explored: true,
        pass: true,
        detail: `explored with ${who}: held in the ${search.schedules} interleavings searched (cut at the bound)`,
      };
}

function whyFailed(o: ExploredOutcome): string {
  if (o.outcome === "deadlock") {
    const blocked = (o.blocked ?? []).map((b) => `${b.process} in ${b.waitsIn}`).join(", ");
    return `the calls never all returned (deadlock${blocked ? `: ${blocked}` : ""})`;
  }
  try {
    const t = parseTerm(o.outcome);
    const why = t.type === "tuple" && t.items.length === 2 ? t.items[1] : undefined;
    if (why?.type === "string") return why.value;
  } catch {
    // Not a {:fail, text}: a raise or another value, shown as it is.
  }
  return `Scenario.run/0 returned ${o.outcome.slice(0, 200)}`;
}

/** The first and last steps of a witness: enough to see which client went where. */
function witnessText(o: ExploredOutcome): string {
  const s = o.steps;
  return s.length <= 6 ? s.join("; ") : `${s.slice(0, 3).join("; ")}; ...; ${s.slice(-3).join("; ")}`;
}

function firstLine(s: string): string {
  return (s.split("\n")[0] ?? "").slice(0, 200);
}

/**
 * The explored variant as a Scenario module: start the conventional top, run
 * the setup calls, release the clients, then check replies, pids and running
 * workers. Every piece from the problem is validated as a literal, a pattern or
 * a name first (as in the probe's script).
 */
export function exploredScenario(problem: DesignProblem, r: ConcurrentRequirement): string {
  const where = `design problem "${problem.id}", requirement "${r.id}" (explore)`;
  const x = r.explore!;
  const top = assertAlias(problem.topModule, `${where}: topModule`);
  const opts = assertElixirLiteral(r.startOptions ?? problem.startOptions, `${where}: startOptions`);
  const replies = (x.replies ?? r.replies ?? []).map(
    (q) => `{${matcher(q.match, where)}, ${optInt(q.count)}, ${optInt(q.min)}, ${optInt(q.max)}}`,
  );
  const pids = x.okPids ?? r.okPids;
  const running = x.running ?? r.running;
  const setup = [...(r.setup ?? []), ...(x.setup ?? [])].map((c) => call(c, where));
  return `
defmodule Scenario do
  @clients ${int(x.clients)}

  def run do
    Process.flag(:trap_exit, true)
    started = if function_exported?(${top}, :start_link, 1), do: ${top}.start_link(${opts}), else: ${top}.start_link()

    case started do
      {:ok, top} when is_pid(top) -> check(top)
      {:ok, top, _} when is_pid(top) -> check(top)
      other -> {:not_started, inspect(other)}
    end
  end

  defp check(top) do
    for {_, f} <- [${setup.join(", ")}], do: f.()
    {text, f} = ${indexedCall(r.call, where)}
    tasks = for i <- 1..@clients, do: Task.async(fn -> try(do: f.(i), catch: (kind, reason -> {:raised, kind, reason})) end)
    values = Enum.map(tasks, &Task.await(&1, :infinity))
    problems =
      Enum.map([${replies.join(", ")}], &replies(values, &1)) ++
        [pids(values, ${pids ? `%{min: ${optInt(pids.min)}, max: ${optInt(pids.max)}, same: ${pids.same === true}, distinct: ${pids.distinct === true}}` : "nil"})] ++
        [running(top, ${running ? `${supRef(running.supervisor, where)}, ${running.worker ? assertAlias(running.worker, `${where}: worker`) : "nil"}, ${optInt(running.min)}, ${optInt(running.max)}` : "nil, nil, nil, nil"})]

    case Enum.reject(problems, &(&1 == :ok)) do
      [] -> :ok
      [why | _] -> {:fail, "#{@clients} clients called #{text} at once; " <> why}
    end
  end

  defp replies(values, {{pattern, m}, count, min, max}) do
    n = Enum.count(values, m)
    if within(n, count, min, max), do: :ok, else: "#{n} replies matched #{pattern}, expected #{bounds(count, min, max)}; replies: #{inspect(values)}"
  end

  defp pids(_values, nil), do: :ok

  defp pids(values, want) do
    pids = for {:ok, pid} when is_pid(pid) <- values, do: pid
    distinct = length(Enum.uniq(pids))

    cond do
      not within(length(pids), nil, want.min, want.max) -> "#{length(pids)} {:ok, pid} replies, expected #{bounds(nil, want.min, want.max)}"
      want.same and distinct > 1 -> "the {:ok, pid} replies name #{distinct} different processes, expected one"
      want.distinct and distinct < length(pids) -> "#{length(pids)} {:ok, pid} replies name only #{distinct} processes, expected all different"
      true -> :ok
    end
  end

  defp running(_top, nil, _, _, _), do: :ok

  defp running(top, ref, worker, min, max) do
    case resolve(ref, top) do
      nil ->
        "the supervisor #{inspect(ref)} is not running after the calls"

      sup ->
        n = length(workers(sup, worker))
        if within(n, nil, min, max), do: :ok, else: "#{n} workers running, expected #{bounds(nil, min, max)}"
    end
  end

  defp resolve(:top, top), do: top
  defp resolve({:name, name}, _top), do: Process.whereis(name)

  defp resolve({:child, parent, id}, top) do
    with sup when is_pid(sup) <- resolve(parent, top),
         {_, pid, _, _} when is_pid(pid) <- List.keyfind(Supervisor.which_children(sup), id, 0) do
      pid
    else
      _ -> nil
    end
  end

  # Workers at any depth (a Registry or a nested supervisor counts as a supervisor, not a worker).
  defp workers(sup, worker) do
    Enum.flat_map(Supervisor.which_children(sup), fn
      {_, pid, :supervisor, _} when is_pid(pid) -> workers(pid, worker)
      {_, pid, :worker, mods} when is_pid(pid) -> if(worker == nil or worker in List.wrap(mods), do: [pid], else: [])
      _ -> []
    end)
  end

  defp within(n, count, min, max),
    do: (count == nil or n == count) and (min == nil or n >= min) and (max == nil or n <= max)

  defp bounds(count, _min, _max) when count != nil, do: "exactly #{count}"
  defp bounds(nil, min, nil), do: "at least #{min}"
  defp bounds(nil, nil, max), do: "at most #{max}"
  defp bounds(nil, min, max), do: "between #{min} and #{max}"
end
`;
}

/** The plain run's result with the explored variant's: it fails if either failed, and says both. */
export function withExplored(
  plain: { pass: boolean; detail: string },
  explored: ExploredCheck | undefined,
): { pass: boolean; detail: string } {
  if (!explored) return plain;
  if (!explored.explored) return { pass: plain.pass, detail: `${plain.detail}; ${explored.detail}` };
  return { pass: plain.pass && explored.pass, detail: `${plain.detail}; ${explored.detail}` };
}
