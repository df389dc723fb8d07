// The measuring of `otpforge bench explore`: every system of the reference
// suite explored twice in one run, with the sleep-set reduction and with
// naive enumeration of every choice sequence, each in a fresh sandboxed VM,
// so what the reduction saves is measured on the same machine at the same time.
import { availableParallelism, cpus, loadavg, release } from "node:os";
import { explore, type DeliveryModel, type ExploreResult } from "./explore.js";
import { EXPLORE_SUITE, type SuiteSystem } from "./explore-suite.js";
import { createPool } from "./pool.js";

export interface ExploreBenchRow {
  system: string;
  outcomes: number;
  /** ms: wall time of explore() (a fresh VM included); searchMs: the search inside the VM. */
  reduced: { schedules: number; pruned: number; ms: number; searchMs: number };
  naive: { schedules: number; ms: number; searchMs: number; complete: boolean };
  sameOutcomes: boolean;
}

export interface ExploreBenchResult {
  model: DeliveryModel;
  repeat: number;
  machine: { cores: number; cpu: string; os: string; node: string; loadAvg1m: number };
  rows: ExploreBenchRow[];
}

export interface ExploreBenchOptions {
  /** Default single-node. */
  model?: DeliveryModel;
  /** Runs per system and search; the median time is reported. Default 3. */
  repeat?: number;
  /** The systems to explore (default the reference suite, EXPLORE_SUITE). */
  systems?: readonly SuiteSystem[];
  /** After each system, with how many are done. */
  onProgress?: (done: number, total: number) => void;
}

export async function runExploreBench(options: ExploreBenchOptions = {}): Promise<ExploreBenchResult> {
  const model = options.model ?? "single-node";
  const repeat = options.repeat ?? 3;
  const pool = await createPool({ size: 1 });
  const systems = options.systems ?? EXPLORE_SUITE;
  const rows: ExploreBenchRow[] = [];
  try {
    for (const s of systems) {
      const timed = async (reduction: "sleep-sets" | "none") => {
        const times: number[] = [];
        const inside: number[] = [];
        let last: ExploreResult | undefined;
        for (let i = 0; i < repeat; i++) {
          const t = performance.now();
          last = await explore(pool, s.source, { reduction, model });
          times.push(performance.now() - t);
          inside.push(last.elapsedMs);
        }
        return { result: last!, ms: median(times), searchMs: median(inside) };
      };
      const reduced = await timed("sleep-sets");
      const naive = await timed("none");
      const set = (r: ExploreResult) => JSON.stringify(r.outcomes.map((o) => o.outcome).sort());
      rows.push({
        system: s.name,
        outcomes: reduced.result.outcomes.length,
        reduced: { schedules: reduced.result.schedules, pruned: reduced.result.pruned, ms: reduced.ms, searchMs: reduced.searchMs },
        naive: { schedules: naive.result.schedules, ms: naive.ms, searchMs: naive.searchMs, complete: naive.result.complete },
        // A naive search cut by its bound found a subset: nothing to compare.
        sameOutcomes: !naive.result.complete || set(reduced.result) === set(naive.result),
      });
      options.onProgress?.(rows.length, systems.length);
    }
  } finally {
    await pool.close();
  }
  const machine = {
    cores: availableParallelism(),
    cpu: cpus()[0]?.model ?? "?",
    os: `${process.platform} ${release()}`,
    node: process.version,
    loadAvg1m: loadavg()[0] ?? 0,
  };
  return { model, repeat, machine, rows };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}
