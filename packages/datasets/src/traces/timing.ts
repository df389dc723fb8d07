// Static timing of a stimulus, used only to lay out the schedule so that no
// two time-dependent events are closer than one time unit (the outcome must not
// hinge on a few milliseconds). Outcomes themselves are observed on the BEAM.
import { findHandler, type Callback } from "./behaviours.js";
import { messageTag, tupleArg } from "./lit.js";
import type { Lit, ProcessSpec } from "./world.js";

/** The grid: steps start at even multiples of UNIT, timers fire at odd multiples. */
export const UNIT_MS = 30;

export interface TimerFire {
  proc: string;
  /** ms after the stimulus. */
  delay: number;
}

export interface StimulusTiming {
  /** Upper bound (ms) on how long the processes touched stay busy or blocked. */
  busy: number;
  fires: TimerFire[];
}

/**
 * Follows a message through the handlers it reaches: relays forward casts,
 * `ask` calls nest, `schedule` and `later` arm timers. Recursion ends because
 * each hop peels one layer off the message.
 */
export function stimulusTiming(processes: readonly ProcessSpec[], callback: Callback, target: string, msg: Lit, chain: readonly string[] = []): StimulusTiming {
  const p = processes.find((q) => q.name === target);
  const h = p && findHandler(p, callback, messageTag(msg));
  if (!h) return { busy: 0, fires: [] };
  const arg = tupleArg(msg, 1);
  switch (h.kind) {
    case "schedule_cast":
      return typeof arg === "number" ? { busy: 0, fires: [{ proc: target, delay: arg }] } : { busy: 0, fires: [] };
    case "later_call":
      return typeof arg === "number" ? { busy: arg, fires: [{ proc: target, delay: arg }] } : { busy: 0, fires: [] };
    case "relay_cast":
      return arg === undefined ? { busy: 0, fires: [] } : stimulusTiming(processes, "cast", h.target, arg);
    case "ask_call": {
      // Calling itself exits at once (:calling_self); a call back into a process
      // already waiting in this chain blocks until a timeout in the cycle fires.
      if (arg === undefined || h.target === target) return { busy: 0, fires: [] };
      if (chain.includes(h.target)) return { busy: h.timeout, fires: [] };
      const inner = stimulusTiming(processes, "call", h.target, arg, [...chain, target]);
      return { busy: inner.busy > 0 ? Math.max(h.timeout, inner.busy) : 0, fires: inner.fires };
    }
    default:
      return { busy: 0, fires: [] };
  }
}

export function roundUpEven(ms: number): number {
  const period = 2 * UNIT_MS;
  return Math.ceil(ms / period) * period;
}
