// What the generator is asked for: a catalog anti-pattern, in a setting drawn
// from the seed, so that variants differ in domain, names and shape rather
// than repeat the catalog's textbook example (which is never kept: see the
// catalog-copy check).
import { hashValue, type Rng } from "@otpforge/core";
import { referencePairs, type Category } from "@otpforge/otp-signatures";
import type { ScenarioSplit } from "./record.js";

export interface ScenarioTarget {
  id: string;
  category: Category;
  /** How the anti-pattern is phrased to the generator. */
  antiPattern: string;
}

/** Every reference anti-pattern of the catalog (false friends are no target: they are not bugs). */
export const SCENARIO_TARGETS: readonly ScenarioTarget[] = Object.freeze(
  referencePairs.map((e) => ({ id: e.id, category: e.category, antiPattern: e.antiPattern })),
);

export const SETTINGS: readonly string[] = Object.freeze([
  "a bank's account balances",
  "a warehouse inventory",
  "a chat room service",
  "a background job queue",
  "an API rate limiter",
  "a multiplayer game lobby",
  "a sensor reading aggregator",
  "a shopping cart",
  "a URL shortener's cache",
  "a ticket booking system",
  "a metrics collector",
  "a collaborative document session",
  "a payment gateway client",
  "a feature-flag service",
  "a print spooler",
  "a parking garage's free spaces",
]);

/** The generator's input for one attempt. */
export function targetInput(target: ScenarioTarget, setting: string): string {
  return `${target.antiPattern}\n\nSetting: write it as part of ${setting}, with module, function and message names of that domain (not a textbook counter).`;
}

/** Attempt i's target and setting: targets in turn (a seeded order), settings drawn per attempt. */
export function attemptTarget(
  targets: readonly ScenarioTarget[],
  random: Rng,
  attempt: number,
): { target: ScenarioTarget; setting: string } {
  const order = random.fork("order").shuffle([...targets]);
  const target = order[attempt % order.length]!;
  const setting = SETTINGS[random.fork(`setting-${attempt}`).int(0, SETTINGS.length - 1)]!;
  return { target, setting };
}

/** The split of every variant of an anti-pattern, from its id alone (stable across seeds and files). */
export function splitOf(antiPatternId: string): ScenarioSplit {
  const bucket = parseInt(hashValue(["scenario-split", antiPatternId]).slice(0, 8), 16) % 5;
  return bucket < 3 ? "train" : bucket === 3 ? "dev" : "test";
}
