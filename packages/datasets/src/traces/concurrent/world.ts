// A concurrent world: OTP processes (process_code) and a System that acts on
// them from several clients at once (the Scenario module, shown as it runs).
// Its questions ask for every value the system can show, so they are answered
// by exploring every interleaving (@otpforge/beam's explore), never by a run.
import type { Difficulty } from "../world.js";

export const CONCURRENT_FAMILIES = ["possible_final_states", "possible_replies", "message_loss", "deadlock", "arrival_order"] as const;
export type ConcurrentFamily = (typeof CONCURRENT_FAMILIES)[number];

export interface ConcurrentQuestion {
  /** What the question asks about, as a short key (unique in its world). */
  key: string;
  /** The question without the answer-format paragraph (answerFormat adds it). */
  text: string;
  /**
   * The part of Scenario.run/0's value this question is about: an index into the
   * tuple it returns; absent, the whole value. A deadlock stays `:deadlock`.
   */
  part?: number;
}

export interface ConcurrentWorld {
  family: ConcurrentFamily;
  /** Which template of the family made it (a family has several). */
  variant: string;
  difficulty: Difficulty;
  /** The OTP modules (GenServers, Agents...) the clients act on; "" when System works with bare processes only. */
  modules: string;
  /** `defmodule Scenario do def run ... end end`: System's code, exactly as it runs. */
  scenario: string;
  /** What the explorer's process names stand for in this world (`main.2` -> "the task t1"), for the reasoning. */
  legend: Record<string, string>;
  questions: ConcurrentQuestion[];
  /** The world's shape without its constants or names: worlds that share it share a split. */
  shape: unknown;
  /** The constants (with the shape: the dedup key). */
  params: unknown;
}

/** The source explore() runs: the modules, then Scenario. */
export function scenarioSource(world: ConcurrentWorld): string {
  return [world.modules.trim(), world.scenario.trim()].filter(Boolean).join("\n\n") + "\n";
}

/** Process names of the explorer for the processes `main` starts, in order: main.1, main.2, ... */
export function childNames(starts: string[]): Record<string, string> {
  return Object.fromEntries(starts.map((what, i) => [`main.${i + 1}`, what]));
}

/** A world's modules indented as `mix format` would leave them (two spaces per level). */
export function lines(...ls: Array<string | false | undefined>): string {
  return ls.filter((l): l is string => typeof l === "string").join("\n");
}

/** Difficulty by how many concurrent actions the clients take. */
export function difficultyOf(actions: number): Difficulty {
  return actions <= 2 ? "easy" : actions === 3 ? "medium" : "hard";
}
