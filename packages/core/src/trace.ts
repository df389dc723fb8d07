// Per-run traces. Every predictor call inside withTrace(fn) appends a step to
// that run's trace; AsyncLocalStorage keeps concurrent runs apart, and a
// nested withTrace also reports to the enclosing ones.
import { AsyncLocalStorage } from "node:async_hooks";
import type { Data } from "./example.js";
import { addUsage, ZERO_USAGE, type Usage } from "./lm/types.js";
import type { Prediction } from "./prediction.js";

/** What a trace needs from a predictor (Predict implements it). */
export interface TracedPredictor {
  readonly signature: { readonly name: string; hash(): string };
}

export interface TraceStep<P extends TracedPredictor = TracedPredictor> {
  predictor: P;
  /** Dotted name inside the program, when withTrace was given the program. */
  name?: string;
  inputs: Data;
  outputs: Data;
  prediction: Prediction<Data>;
}

export type Trace<P extends TracedPredictor = TracedPredictor> = TraceStep<P>[];

const active = new AsyncLocalStorage<Trace[]>();

/** Appends a step to every trace open in this async context (called by Predict). */
export function recordTraceStep(step: TraceStep): void {
  const traces = active.getStore();
  if (!traces) return;
  for (const t of traces) t.push({ ...step });
}

/** True when some withTrace is collecting here. */
export function isTracing(): boolean {
  return (active.getStore()?.length ?? 0) > 0;
}

export interface WithTraceOptions {
  /** Names the steps with the predictors' dotted names in this program. */
  program?: { namedPredictors(): Array<[string, unknown]> };
}

/** Runs fn, collecting the predictor calls it makes (also when it throws: see TracedError). */
export async function withTrace<T>(fn: () => T | Promise<T>, options: WithTraceOptions = {}): Promise<{ result: T; trace: Trace }> {
  const trace: Trace = [];
  const stack = [...(active.getStore() ?? []), trace];
  try {
    const result = await active.run(stack, fn);
    return { result, trace: nameTrace(trace, options.program) };
  } catch (error) {
    throw attachTrace(error, nameTrace(trace, options.program));
  }
}

/** Fills `name` of each step from the program's predictor names. */
export function nameTrace(trace: Trace, program?: WithTraceOptions["program"]): Trace {
  if (!program) return trace;
  const names = new Map<unknown, string>();
  for (const [name, p] of program.namedPredictors()) names.set(p, name);
  for (const step of trace) step.name ??= names.get(step.predictor);
  return trace;
}

const TRACE = Symbol.for("otpforge.trace");

function attachTrace(error: unknown, trace: Trace): unknown {
  if (error && typeof error === "object" && !Object.hasOwn(error, TRACE)) {
    Object.defineProperty(error, TRACE, { value: trace, enumerable: false });
  }
  return error;
}

/** The partial trace of a run that threw inside withTrace (undefined otherwise). */
export function traceOfError(error: unknown): Trace | undefined {
  return error && typeof error === "object" ? ((error as Record<symbol, Trace>)[TRACE] ?? undefined) : undefined;
}

/** Token usage of every LM call in a trace (parse retries included). */
export function traceUsage(trace: Trace): Usage {
  return trace.reduce((u, step) => addUsage(u, step.prediction.usage), ZERO_USAGE);
}
