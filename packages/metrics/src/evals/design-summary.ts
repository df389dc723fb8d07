// What the design eval says beyond its scores, for a reader who knows OTP:
// which kinds of requirement a program gets wrong (pass rate per kind), and,
// for each failed requirement, the scenario that exposed it — the probe's
// transcript of what was called, what came back and what was expected.
import type { DesignStatus, RequirementResult } from "../design/verify-design.js";

/** Per requirement kind: how many requirements of that kind were checked and the share that held. */
export interface KindSummary {
  n: number;
  passed: number;
  rate: number;
}

/** The part of a design record these summaries read. */
interface GradedDesign {
  problem_id: string;
  score: number;
  status: DesignStatus;
  message: string;
  requirements: RequirementResult[];
  architecture_review?: { score: number; critique: string };
}

/** One requirement a checked design failed, with the scenario that exposed it. */
export interface FailedRequirement {
  problem_id: string;
  id: string;
  kind: string;
  description: string;
  /** The probe's transcript, one step a line (calls with their replies, waits, kills; the failed step last). */
  scenario: string[];
}

/**
 * Pass rates per requirement kind over every graded requirement (a design
 * that was not checked counts as failing all of its requirements): which
 * behaviours the program gets wrong, beside the per-problem scores.
 */
export function passRatesByKind(records: readonly GradedDesign[]): Record<string, KindSummary> {
  const out: Record<string, KindSummary> = {};
  for (const r of records) {
    for (const q of r.requirements) {
      const k = (out[q.kind] ??= { n: 0, passed: 0, rate: 0 });
      k.n++;
      if (q.pass) k.passed++;
    }
  }
  for (const k of Object.values(out)) k.rate = k.n ? k.passed / k.n : 0;
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * Failed requirements of designs that were checked. A design that never ran
 * (compile error, policy, did not start) has one reason for all of them: its
 * record's status and message say it, once.
 */
export function failedRequirements(records: readonly GradedDesign[]): FailedRequirement[] {
  return records.flatMap((r) =>
    r.status !== "checked"
      ? []
      : r.requirements
          .filter((q) => !q.pass)
          .map((q) => ({
            problem_id: r.problem_id,
            id: q.id,
            kind: q.kind,
            description: q.description,
            scenario: scenarioLines(q.detail),
          })),
  );
}

/** The probe joins a transcript's steps with "; " (see probe/steps.exs). */
export function scenarioLines(detail: string): string[] {
  return detail
    .split(/;\s+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** The text printed after the eval summary: pass rates by kind, designs not checked, failed requirements with their scenarios. */
export function formatDesignDetails(result: {
  byKind: Record<string, KindSummary>;
  records: readonly GradedDesign[];
  architecture?: { n: number; score: number; judged_by: string };
}): string {
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const kinds = Object.entries(result.byKind);
  const lines: string[] = [];
  if (kinds.length) {
    const width = Math.max(16, ...kinds.map(([k]) => k.length));
    lines.push("  requirements held, by kind:");
    lines.push(`    ${"kind".padEnd(width)}  ${"n".padStart(4)}  held`);
    for (const [k, s] of kinds) lines.push(`    ${k.padEnd(width)}  ${String(s.n).padStart(4)}  ${pct(s.rate)}`);
  }
  const unchecked = result.records.filter((r) => r.status !== "checked");
  if (unchecked.length) {
    lines.push("  designs not checked:");
    for (const r of unchecked) lines.push(`    ${r.problem_id}: ${r.status}: ${oneLine(r.message)}`);
  }
  const failed = failedRequirements(result.records);
  if (failed.length) {
    lines.push("  failed requirements (the scenario that exposed each):");
    for (const f of failed) {
      lines.push(`    ${f.problem_id} ${f.id} [${f.kind}]: ${f.description}`);
      for (const step of f.scenario) lines.push(`      ${step}`);
    }
  }
  if (result.architecture) {
    // Apart from the score above, which is execution's alone.
    const a = result.architecture;
    lines.push(`  architecture critic (${a.judged_by}; a secondary score, never above execution's): ${pct(a.score)} over ${a.n} designs`);
    for (const r of result.records) {
      if (r.architecture_review && r.architecture_review.score < r.score)
        lines.push(`    ${r.problem_id}: ${pct(r.architecture_review.score)}: ${oneLine(r.architecture_review.critique)}`);
    }
  }
  return lines.length ? lines.join("\n") + "\n" : "";
}

function oneLine(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
