// Why a generated scenario was kept or not: one cause per attempt, in the
// order the checks run (cheapest first), and the acceptance table built from them.
import type { PairReasonCode } from "@otpforge/metrics";

export const OUTCOMES = [
  "kept",
  "malformed",
  "not_compiling",
  "policy_refused",
  "catalog_copy",
  "duplicate",
  "bug_not_shown",
  "fix_failing",
  "false_friend",
] as const;
export type ScenarioOutcome = (typeof OUTCOMES)[number];

export const OUTCOME_TEXT: Record<ScenarioOutcome, string> = {
  kept: "kept",
  malformed: "the model's answer lacks a field",
  not_compiling: "does not parse or compile",
  policy_refused: "refused by the sandbox policy",
  catalog_copy: "a copy of a reference catalog pair",
  duplicate: "a near-duplicate of a kept pair",
  bug_not_shown: "the harness never fails on the buggy code",
  fix_failing: "the harness fails on the fixed code",
  false_friend: "no bug in any interleaving: kept as a negative example",
};

/** The cause a pair verdict gives (valid: kept). */
export function outcomeOfVerdict(code: PairReasonCode): ScenarioOutcome {
  switch (code) {
    case "valid":
      return "kept";
    case "policy_violation":
      return "policy_refused";
    case "compile_error":
      return "not_compiling";
    // Two sources that are one program cannot show a bug on one side only.
    case "same_program":
    case "bug_not_reproduced":
      return "bug_not_shown";
    case "fix_failed":
    case "harness_fails_on_both":
    case "suite_fails":
      return "fix_failing";
  }
}

export interface AcceptanceRow {
  anti_pattern_id: string;
  generated: number;
  counts: Record<ScenarioOutcome, number>;
}

const zero = (): Record<ScenarioOutcome, number> => Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<ScenarioOutcome, number>;

/** Per anti-pattern (in the order given) and a total row, from attempts' outcomes. */
export function acceptanceTable(
  attempts: ReadonlyArray<{ anti_pattern_id: string; outcome: ScenarioOutcome }>,
  order: readonly string[],
): { rows: AcceptanceRow[]; total: AcceptanceRow } {
  const rows = new Map(order.map((id) => [id, { anti_pattern_id: id, generated: 0, counts: zero() }]));
  const total: AcceptanceRow = { anti_pattern_id: "total", generated: 0, counts: zero() };
  for (const a of attempts) {
    const row =
      rows.get(a.anti_pattern_id) ??
      rows.set(a.anti_pattern_id, { anti_pattern_id: a.anti_pattern_id, generated: 0, counts: zero() }).get(a.anti_pattern_id)!;
    for (const r of [row, total]) {
      r.generated += 1;
      r.counts[a.outcome] += 1;
    }
  }
  return { rows: [...rows.values()].filter((r) => r.generated > 0), total };
}

const COLUMNS: Array<[ScenarioOutcome, string]> = [
  ["malformed", "malformed"],
  ["policy_refused", "policy"],
  ["not_compiling", "compile"],
  ["catalog_copy", "catalog"],
  ["duplicate", "dup"],
  ["bug_not_shown", "no bug"],
  ["fix_failing", "fix fails"],
  ["false_friend", "negative"],
  ["kept", "kept"],
];

/** The acceptance table as text, one anti-pattern a line. */
export function formatAcceptanceTable(table: { rows: AcceptanceRow[]; total: AcceptanceRow }): string {
  const width = Math.max(12, ...table.rows.map((r) => r.anti_pattern_id.length));
  const head = `  ${"anti-pattern".padEnd(width)}  ${"generated".padStart(9)}  ${COLUMNS.map(([, h]) => h.padStart(9)).join("  ")}`;
  const line = (r: AcceptanceRow) =>
    `  ${r.anti_pattern_id.padEnd(width)}  ${String(r.generated).padStart(9)}  ${COLUMNS.map(([o]) => String(r.counts[o]).padStart(9)).join("  ")}`;
  return [head, ...table.rows.map(line), line(table.total)].join("\n") + "\n";
}
