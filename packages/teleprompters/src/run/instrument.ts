import { currentLM, withSettings, type LM, type LMRequest, type Module } from "@otpforge/core";

/** Turns an LM into the LM a run actually calls (budget accounting, request overrides). */
export type LMWrap = (lm: LM) => LM;

/**
 * An LM whose requests get `overrides` (e.g. temperature 1.0 and a fresh
 * rolloutId for later bootstrap rounds: a different request, so a cached
 * answer from round 0 is not reused). Fields the caller set explicitly are
 * replaced too: that is the point of the override.
 */
export function overrideRequests(lm: LM, overrides: Partial<Pick<LMRequest, "temperature" | "rolloutId">>, signal?: AbortSignal): LM {
  return {
    id: lm.id,
    generate: (request) => lm.generate({ ...request, ...overrides, ...(signal && !request.signal ? { signal } : {}) }),
  };
}

/**
 * A clone of `program` whose predictors with an LM of their own call it
 * through `wrap`. (Predictors without one use the settings LM, wrapped by
 * `runWithLM`.) The original program is never touched, so the compiled
 * program handed back to the user holds no run-time wrappers.
 */
export function instrument<P extends Module>(program: P, wrap: LMWrap): P {
  const copy = program.clone();
  for (const [, predictor] of copy.namedPredictors()) {
    if (predictor.lm) predictor.lm = wrap(predictor.lm);
  }
  return copy;
}

/** The LM a predictor without its own would use here, or undefined when none is configured. */
export function resolveBaseLM(explicit?: LM): LM | undefined {
  try {
    return currentLM(explicit);
  } catch {
    return undefined;
  }
}

/** Runs fn with the settings LM replaced by the wrapped base LM. */
export function runWithLM<T>(baseLM: LM | undefined, wrap: LMWrap, fn: () => Promise<T>): Promise<T> {
  return baseLM ? withSettings({ lm: wrap(baseLM) }, fn) : fn();
}
