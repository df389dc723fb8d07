// The reference catalog: hand-written bug/fix pairs with harnesses for every
// anti-pattern in the taxonomy, plus false friends (claims that are not bugs
// on the BEAM). Verification (in @otpforge/metrics) must find every reference
// pair valid and every false friend invalid.
import { example, OtpforgeError, type Example } from "@otpforge/core";
import type { FixBugCase } from "../fix-bug.js";
import type { CatalogEntry } from "./entry.js";
import { blockingHandleCall } from "./entries/blocking-handle-call.js";
import { callCycle } from "./entries/call-cycle.js";
import { callingSelf } from "./entries/calling-self.js";
import { childInitCallsSupervisor } from "./entries/child-init-calls-supervisor.js";
import { duplicateTimers } from "./entries/duplicate-timers.js";
import { etsReadThenWrite } from "./entries/ets-read-then-write.js";
import { infinityCall } from "./entries/infinity-call.js";
import { lateReplyMismatch } from "./entries/late-reply-mismatch.js";
import { linkedTaskCrash } from "./entries/linked-task-crash.js";
import { localVariableCounter } from "./entries/local-variable-counter.js";
import { lostUpdateSeparateCalls } from "./entries/lost-update-separate-calls.js";
import { messagesLostOnCrash } from "./entries/messages-lost-on-crash.js";
import { missingHandleInfo } from "./entries/missing-handle-info.js";
import { replyWaitWithoutMonitor } from "./entries/reply-wait-without-monitor.js";
import { restartIntensityEscalation } from "./entries/restart-intensity-escalation.js";
import { sameSenderReordering } from "./entries/same-sender-reordering.js";
import { sendToSelfInInit } from "./entries/send-to-self-in-init.js";
import { spawnThenRegister } from "./entries/spawn-then-register.js";
import { stateLostOnRestart } from "./entries/state-lost-on-restart.js";
import { unboundedMailbox } from "./entries/unbounded-mailbox.js";
import { wrongRestartStrategy } from "./entries/wrong-restart-strategy.js";

export { CATEGORIES, isCategory, type Category } from "./taxonomy.js";
export { catalogSourcesDir, defineEntry, FIX_BUG_SUITE_SUPPORT, type CatalogEntry, type EntryKind, type EntryMeta } from "./entry.js";

/** Every reference pair (expected to verify `valid`), grouped by category. */
export const referencePairs: readonly CatalogEntry[] = Object.freeze([
  lostUpdateSeparateCalls,
  etsReadThenWrite,
  spawnThenRegister,
  callCycle,
  callingSelf,
  childInitCallsSupervisor,
  blockingHandleCall,
  unboundedMailbox,
  messagesLostOnCrash,
  stateLostOnRestart,
  linkedTaskCrash,
  restartIntensityEscalation,
  wrongRestartStrategy,
  duplicateTimers,
  infinityCall,
  lateReplyMismatch,
  replyWaitWithoutMonitor,
]);

/** Claims that look like bugs but are not on the BEAM (expected to verify `invalid`). */
export const falseFriends: readonly CatalogEntry[] = Object.freeze([
  localVariableCounter,
  missingHandleInfo,
  sendToSelfInInit,
  sameSenderReordering,
]);

/** Reference pairs first, then false friends. */
export const catalog: readonly CatalogEntry[] = Object.freeze([...referencePairs, ...falseFriends]);

export class UnknownCatalogEntryError extends OtpforgeError {
  constructor(id: string) {
    super("UNKNOWN_CATALOG_ENTRY", `No catalog entry "${id}". Known ids: ${catalog.map((e) => e.id).join(", ")}.`, { category: "input" });
  }
}

export function catalogEntry(id: string): CatalogEntry {
  const entry = catalog.find((e) => e.id === id);
  if (!entry) throw new UnknownCatalogEntryError(id);
  return entry;
}

/** Demos for ConcurrencyScenario (inputs: anti_pattern), from the reference pairs only. */
export function scenarioDemos(entries: readonly CatalogEntry[] = referencePairs) {
  return entries
    .filter((e) => e.kind === "anti-pattern")
    .map((e) =>
      example({
        anti_pattern: e.antiPattern,
        buggy_code: e.buggy,
        fixed_code: e.fixed,
        explanation: e.explanation,
        harness: e.harness,
      }).withInputs("anti_pattern"),
    );
}

/** The reference pairs as fix-bug eval cases. */
export function fixBugCases(entries: readonly CatalogEntry[] = referencePairs): FixBugCase[] {
  return entries
    .filter((e) => e.kind === "anti-pattern")
    .map((e) => ({
      id: e.id,
      category: e.category,
      buggy_code: e.buggy,
      explanation: e.explanation,
      harness: e.harness,
      ...(e.suite ? { suite: e.suite } : {}),
      ...(e.explore ? { explore: { max_schedules: e.explore.maxSchedules } } : {}),
      reference_fix: e.fixed,
    }));
}

/** Fix-bug cases as Examples (inputs: buggy_code, explanation). */
export function fixBugExamples(cases: readonly FixBugCase[] = fixBugCases()): Example[] {
  return cases.map((c) => example({ ...c }).withInputs("buggy_code", "explanation") as unknown as Example);
}
