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
  families: Record<string, { questions: number; multiOutcome: number; maxOutcomes: number }>;
  splits: Record<string, { questions: number; worlds: number }>;
}

const round = (x: number) => Math.round(x * 1000) / 1000;

export function concurrentStats(records: readonly ConcurrentTraceExample[], counters: ConcurrentWorldCounters): ConcurrentStats {
  const families: ConcurrentStats["families"] = {};
  for (const f of CONCURRENT_FAMILIES) {
    const of = records.filter((r) => r.family === f);
    const sizes = of.map((r) => r.exploration.witnesses.length);
    families[f] = { questions: of.length, multiOutcome: sizes.filter((n) => n >= 2).length, maxOutcomes: Math.max(0, ...sizes) };
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
    families,
    splits,
  };
}
