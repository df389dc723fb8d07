// The seeded generator of concurrent worlds: a world's seed picks its family
// (in turn, so that a dataset holds every family), a template of that family,
// and the template's names and constants. Same seed, same world.
import { Rng, sha256 } from "@otpforge/core";
import type { Rng as RngType } from "@otpforge/core";
import { ARRIVAL_ORDER } from "./arrival-order.js";
import { CALLBACKS } from "./callbacks.js";
import { CALL_REPLIES } from "./call-replies.js";
import { DEADLOCK } from "./deadlock.js";
import { FINAL_STATES } from "./final-states.js";
import { LINKS } from "./links.js";
import { MESSAGE_LOSS } from "./message-loss.js";
import { STATE } from "./state.js";
import { SUPERVISION } from "./supervision.js";
import { CONCURRENT_FAMILIES, type ConcurrentFamily, type ConcurrentWorld } from "./world.js";

type Template = (rng: RngType) => ConcurrentWorld;

/** Every template, by family. */
export const TEMPLATES: Record<ConcurrentFamily, Record<string, Template>> = {
  possible_final_states: { ...FINAL_STATES, structState: STATE.structState },
  possible_replies: {
    ...CALL_REPLIES,
    lateReply: CALLBACKS.lateReply,
    viaRestart: SUPERVISION.viaRestart,
    dynamicStart: SUPERVISION.dynamicStart,
  },
  message_loss: { ...MESSAGE_LOSS, linkedCrash: LINKS.linkedCrash, stopFlush: CALLBACKS.stopFlush, escalation: SUPERVISION.escalation },
  deadlock: DEADLOCK,
  arrival_order: { ...ARRIVAL_ORDER, trapExits: LINKS.trapExits, continueReports: CALLBACKS.continueReports },
};

/**
 * The templates a world of each family draws from (a name listed twice is drawn twice as often): templates whose
 * worlds have one outcome whatever the order (a proof of determinism, still worth asking) are drawn less often.
 */
const PICKS: Record<ConcurrentFamily, string[]> = {
  possible_final_states: ["agentUpdates", "etsRow", "etsRow", "listPushes", "serverCasts", "serverCasts", "structState", "structState"],
  possible_replies: ["readDuringWrites", "readDuringWrites", "slowServer", "takeItems", "lateReply", "viaRestart", "dynamicStart"],
  message_loss: ["castDuringRestart", "castDuringStop", "impatientWorker", "relayKilled", "linkedCrash", "stopFlush", "escalation"],
  deadlock: ["crossedCalls", "crossedCalls", "waitForEachOther", "agentCycle", "agentCycle"],
  arrival_order: ["relay", "senders", "senders", "timers", "monitor", "trapExits", "continueReports"],
};

/** The seed of concurrent world `index` of a dataset seeded `seed` (well mixed, independent of the sequential worlds' seeds). */
export function concurrentWorldSeed(seed: string, index: number): number {
  return parseInt(sha256(`${seed}:concurrent-world:${index}`).slice(0, 8), 16);
}

/** World `index`: families in turn (from a seed-dependent start), the template and constants drawn from the world's seed. */
export function generateConcurrentWorld(
  seed: string,
  index: number,
  families: readonly ConcurrentFamily[] = CONCURRENT_FAMILIES,
): ConcurrentWorld {
  const offset = parseInt(sha256(`${seed}:concurrent-families`).slice(0, 8), 16) % families.length;
  const family = families[(index + offset) % families.length] as ConcurrentFamily;
  const rng = new Rng(concurrentWorldSeed(seed, index));
  const name = rng.pick(PICKS[family]);
  return (TEMPLATES[family][name] as Template)(rng.fork(name));
}
