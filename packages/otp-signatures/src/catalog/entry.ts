// A catalog entry: a named anti-pattern (or a false friend) with its
// hand-written buggy code, fixed code and harness, and what verification
// must conclude about it.
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Category } from "./taxonomy.js";

/** Reference pairs must verify `valid`; false friends are claims that are not bugs on the BEAM and must verify `invalid`. */
export type EntryKind = "anti-pattern" | "false-friend";

export interface EntryMeta {
  id: string;
  kind: EntryKind;
  category: Category;
  title: string;
  /** How the problem is usually phrased: the `anti_pattern` input of ConcurrencyScenario. */
  antiPattern: string;
  /** The mechanism, for a reader and as the `explanation` given to FixBug. */
  explanation: string;
  /** False friends only: why the claimed bug does not exist on the BEAM. */
  whyNotABug?: string;
  /**
   * Reference pairs only, opt-in: the harness is explorable. The explorer
   * covers every interleaving of the fixed code within `maxSchedules`
   * schedules with only :ok, and finds a failing one on the buggy code, so
   * the fix-bug eval can search a candidate fix too (its `interleavings`
   * check). Set only where the test of @otpforge/metrics (pair-verification-catalog.test.ts) shows both; a
   * harness with many clients runs past any useful bound.
   */
  explore?: { maxSchedules: number };
}

export interface CatalogEntry extends EntryMeta {
  /** What pair verification must say. */
  expected: "valid" | "invalid";
  buggy: string;
  fixed: string;
  harness: string;
  /**
   * The pass-to-pass suite (`suite.exs`, reference pairs only): a second
   * Scenario.run/0 that exercises every public function with inputs other
   * than the harness's, drawn from `:rand` (seeded per run by the grader), and
   * returns `:ok` or `{:error, {check, detail}}`. It must pass on the buggy and
   * on the fixed version alike; it uses the helpers of `FIX_BUG_SUITE_SUPPORT`.
   */
  suite?: string;
  /** Absolute paths of the sources (buggy, fixed, harness usable with `otpforge verify pair`). */
  paths: { buggy: string; fixed: string; harness: string; suite?: string };
}

const catalogRoot = fileURLToPath(new URL("../../catalog/", import.meta.url));

/** Absolute path of the folder holding the catalog's Elixir sources. */
export function catalogSourcesDir(): string {
  return catalogRoot;
}

/**
 * The Elixir module `FixBugSuite` (catalog/support/fix_bug_suite.ex) that every
 * pass-to-pass suite imports: seeded inputs, named expectations, bounded waits,
 * and `FixBugSuite.run/1`, which runs a scenario and then checks that the code
 * under test left no stray process behind.
 */
export const FIX_BUG_SUITE_SUPPORT: string = readFileSync(`${catalogRoot}support/fix_bug_suite.ex`, "utf8");

/** Completes an entry with its Elixir sources, read from catalog/<kind>s/<id>/. */
export function defineEntry(meta: EntryMeta): CatalogEntry {
  const dir = `${catalogRoot}${meta.kind === "anti-pattern" ? "anti-patterns" : "false-friends"}/${meta.id}/`;
  const suitePath = `${dir}suite.exs`;
  const hasSuite = existsSync(suitePath);
  const paths = {
    buggy: `${dir}buggy.ex`,
    fixed: `${dir}fixed.ex`,
    harness: `${dir}harness.exs`,
    ...(hasSuite ? { suite: suitePath } : {}),
  };
  return {
    ...meta,
    expected: meta.kind === "anti-pattern" ? "valid" : "invalid",
    buggy: readFileSync(paths.buggy, "utf8"),
    fixed: readFileSync(paths.fixed, "utf8"),
    harness: readFileSync(paths.harness, "utf8"),
    ...(hasSuite ? { suite: readFileSync(suitePath, "utf8") } : {}),
    paths,
  };
}
