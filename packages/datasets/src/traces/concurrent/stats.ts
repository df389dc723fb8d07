// Statistics of the concurrent records: per family, how many questions and how
// many have two or more possible outcomes (the questions a single run cannot answer).
import type { ConcurrentWorldCounters } from "./build.js";
import type { ConcurrentTraceExample } from "./record.js";
import { CONCURRENT_FAMILIES } from "./world.js";

export interface ConcurrentStats {
  questions: number;
  worlds: ConcurrentWorldCounters & { contributing: number };
  model: string[];
  /** Share of questions whose answer holds two or more outcomes. */
  multiOutcomeShare: number;
  /** Over every concurrent question (the targets: one run at most 40% exact). */
  baselines: Baselines;
  families: Record<string, { questions: number; multiOutcome: number; maxOutcomes: number; baselines: Baselines }>;
  splits: Record<string, { questions: number; worlds: number }>;
}

const round = (x: number) => Math.round(x * 1000) / 1000;

/**
 * Exact-match accuracy of two answers anyone could give without reasoning: the family's most
 * common answer for every question, and `[v]` where v is what one uncontrolled run showed
 * (over the questions of this session, which ran it: `oneRunOf` says how many; a real run is
 * not reproducible, so records do not keep it).
 */
export interface Baselines {
  majority: number;
  oneRun: number | null;
  oneRunOf: number;
}

export function baselines(
  records: ReadonlyArray<{ id: string; answer: string }>,
  oneRuns: Readonly<Record<string, string>> = {},
): Baselines {
  const counts = new Map<string, number>();
  for (const r of records) counts.set(r.answer, (counts.get(r.answer) ?? 0) + 1);
  const top = Math.max(0, ...counts.values());
  const ran = records.filter((r) => oneRuns[r.id] !== undefined);
  const right = ran.filter((r) => r.answer === `[${oneRuns[r.id]}]`).length;
  return {
    majority: records.length ? round(top / records.length) : 0,
    oneRun: ran.length ? round(right / ran.length) : null,
    oneRunOf: ran.length,
  };
}

export function concurrentStats(
  records: readonly ConcurrentTraceExample[],
  counters: ConcurrentWorldCounters,
  oneRuns: Readonly<Record<string, string>> = {},
): ConcurrentStats {
  const families: ConcurrentStats["families"] = {};
  for (const f of CONCURRENT_FAMILIES) {
    const of = records.filter((r) => r.family === f);
    const sizes = of.map((r) => r.exploration.witnesses.length);
    families[f] = {
      questions: of.length,
      multiOutcome: sizes.filter((n) => n >= 2).length,
      maxOutcomes: Math.max(0, ...sizes),
      baselines: baselines(of, oneRuns),
    };
  }
  const splits: ConcurrentStats["splits"] = {};
  for (const s of ["train", "dev", "test"]) {
    const of = records.filter((r) => r.split === s);
    splits[s] = { questions: of.length, worlds: new Set(of.map((r) => r.provenance.worldHash)).size };
  }
  const multi = records.filter((r) => r.exploration.witnesses.length >= 2).length;
  return {
    questions: records.length,
    worlds: { ...counters, contributing: new Set(records.map((r) => r.provenance.worldHash)).size },
    model: [...new Set(records.map((r) => r.exploration.model))].sort(),
    multiOutcomeShare: records.length ? round(multi / records.length) : 0,
    baselines: baselines(records, oneRuns),
    families,
    splits,
  };
}
