// Static timing of a stimulus, used only to lay out the schedule so that no
// two time-dependent events are closer than one time unit (the outcome must not
// hinge on a few milliseconds). Outcomes themselves are observed on the BEAM.
import { findHandler, type Callback } from "./behaviours.js";
import { messageTag, tupleArg } from "@otpforge/otp-signatures";
import type { Lit, ProcessSpec } from "./world.js";

/** The grid: steps start at even multiples of UNIT_MS, timers fire at odd multiples. */
export const UNIT_MS = 30;

export interface TimerFire {
  proc: string;
  /** ms after the stimulus. */
  delay: number;
}

export interface StimulusTiming {
  /** Upper bound (ms) on how long the processes touched stay busy or blocked. */
  busy: number;
  /** Timers the stimulus arms. */
  fires: TimerFire[];
  /** Every moment (ms after the stimulus) at which something may happen: timers and call timeouts. */
  moments: number[];
}

const NOTHING: StimulusTiming = { busy: 0, fires: [], moments: [] };

/**
 * Follows a message through the handlers it reaches: relays forward casts,
 * `ask` and `sync` nest calls, `schedule` and `later` arm timers. Recursion
 * ends because each hop peels one layer off the message.
 */
export function stimulusTiming(
  processes: readonly ProcessSpec[],
  callback: Callback,
  target: string,
  msg: Lit,
  chain: readonly string[] = [],
): StimulusTiming {
  const p = processes.find((q) => q.name === target);
  const h = p && findHandler(p, callback, messageTag(msg));
  if (!h) return NOTHING;
  const arg = tupleArg(msg, 1);
  switch (h.kind) {
    case "schedule_cast":
      return typeof arg === "number" ? { busy: 0, fires: [{ proc: target, delay: arg }], moments: [arg] } : NOTHING;
    case "later_call":
      return typeof arg === "number" ? { busy: arg, fires: [{ proc: target, delay: arg }], moments: [arg] } : NOTHING;
    case "relay_cast":
      return arg === undefined ? NOTHING : stimulusTiming(processes, "cast", h.target, arg, chain);
    case "sync_cast":
    case "ask_call": {
      // Calling itself exits at once (:calling_self); a call back into a process
      // already waiting in this chain blocks until a timeout in the cycle fires.
      if (arg === undefined || h.target === target) return NOTHING;
      if (chain.includes(h.target)) return { busy: h.timeout, fires: [], moments: [h.timeout] };
      const inner = stimulusTiming(processes, "call", h.target, arg, [...chain, target]);
      if (inner.busy === 0) return inner;
      return { busy: Math.max(h.timeout, inner.busy), fires: inner.fires, moments: [h.timeout, ...inner.moments] };
    }
    default:
      return NOTHING;
  }
}

export function roundUpEven(ms: number): number {
  const period = 2 * UNIT_MS;
  return Math.ceil(ms / period) * period;
}
