import { TooManyErrorsError } from "../../run/run-context.js";

/** Returned by an attempt that a budget cut short: neither success nor failure. */
export const INTERRUPTED = Symbol("interrupted");

export interface Outcome {
  success: boolean;
  /** Messages of the runs that threw (they count toward maxErrors). */
  errors: string[];
}

export interface OrderedSearchOptions<O extends Outcome> {
  count: number;
  /** Stop after this many successes, counted in index order. */
  maxSuccesses: number;
  concurrency: number;
  /** The search stops at the maxErrors-th failed run in the decided prefix (as DSPy: 10 means the 10th stops it). */
  maxErrors: number;
  signal?: AbortSignal;
  attempt(index: number): Promise<O | typeof INTERRUPTED>;
  /** A finished outcome from an earlier run (checkpoint), used instead of attempting. */
  stored?(index: number): O | undefined;
  /** Called once per newly finished outcome (to checkpoint it). */
  record?(index: number, outcome: O): Promise<void>;
  onProgress?(finished: number): void;
}

export interface OrderedSearchResult<O extends Outcome> {
  /** Outcomes of the decided prefix, in index order. */
  decided: Array<{ index: number; outcome: O }>;
  /** True when a budget cut the search short. */
  interrupted: boolean;
}

/**
 * Works through items 0..count-1 like a sequential loop that stops at the
 * maxSuccesses-th success — but `concurrency` items run at once. Decisions
 * are taken in index order only, so the result equals the sequential one
 * whatever the concurrency; extra items finished past the stopping point are
 * simply not used. An item is not started once enough successes are known
 * below it, so little work is wasted.
 */
export async function orderedSearch<O extends Outcome>(opts: OrderedSearchOptions<O>): Promise<OrderedSearchResult<O>> {
  const outcomes = new Map<number, O | typeof INTERRUPTED>();
  const decided: Array<{ index: number; outcome: O }> = [];
  let next = 0;
  let cursor = 0;
  let successes = 0;
  let errors = 0;
  let firstError: string | undefined;
  let finished = 0;
  let stop: "done" | "interrupted" | "errors" | "failed" | undefined;

  const successesBelow = (i: number) => {
    let n = 0;
    for (const [j, o] of outcomes) if (j < i && o !== INTERRUPTED && o.success) n++;
    return n;
  };
  const canStart = (i: number) => i < opts.count && stop === undefined && !opts.signal?.aborted && successesBelow(i) < opts.maxSuccesses;

  // Moves the decided prefix forward as far as finished outcomes allow.
  const decide = () => {
    while (stop === undefined) {
      if (successes >= opts.maxSuccesses) {
        stop = "done";
        break;
      }
      if (!outcomes.has(cursor)) break;
      const o = outcomes.get(cursor)!;
      if (o === INTERRUPTED) {
        stop = "interrupted";
        break;
      }
      errors += o.errors.length;
      firstError ??= o.errors[0];
      if (o.errors.length > 0 && errors >= opts.maxErrors) {
        stop = "errors";
        break;
      }
      if (o.success) successes++;
      decided.push({ index: cursor, outcome: o });
      cursor++;
    }
  };

  const worker = async () => {
    try {
      while (canStart(next)) {
        const i = next++;
        const stored = opts.stored?.(i);
        const outcome = stored ?? (await opts.attempt(i));
        outcomes.set(i, outcome);
        if (!stored && outcome !== INTERRUPTED) await opts.record?.(i, outcome);
        finished++;
        decide();
        opts.onProgress?.(finished);
      }
    } catch (err) {
      // Unexpected (not a program error, which attempt() records): stop the others from starting more.
      stop = "failed";
      throw err;
    }
  };
  const results = await Promise.allSettled(Array.from({ length: Math.max(1, Math.min(opts.concurrency, opts.count)) }, worker));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) throw failed.reason;
  opts.signal?.throwIfAborted();
  if (stop === "errors") throw new TooManyErrorsError(errors, opts.maxErrors, firstError);
  return { decided, interrupted: stop === "interrupted" };
}
