// Which records an eval scores. Records that carry a split are scored on one
// split, the test split unless another (or "all") is asked for, and the
// caller is told which, so a score always says what it was measured on.
import { EvalSplitError } from "./eval-split-error.js";

export interface EvalSelection<R> {
  /** The split scored, or undefined when the records carry none. */
  split?: string;
  records: R[];
}

export function selectEvalSplit<R extends { split?: unknown }>(
  records: readonly R[],
  asked: string | undefined,
  source: string,
): EvalSelection<R> {
  const hasSplits = records.some((r) => typeof r.split === "string");
  if (!hasSplits) {
    if (asked !== undefined) throw new EvalSplitError(`--split: the records of ${source} carry no split; drop --split.`);
    return { records: [...records] };
  }
  const split = asked ?? "test";
  const chosen = split === "all" ? [...records] : records.filter((r) => r.split === split);
  if (chosen.length === 0)
    throw new EvalSplitError(`${source} holds no records of split "${split}"; choose one with --split (or --split all).`);
  return { split, records: chosen };
}
