// Design verification: compile a model-written skeleton in the sandbox pool,
// start its top supervisor, and check every requirement of the problem on the
// live tree (see priv/design_probe/*.ex). The result is data: a score, and per
// requirement whether it held and what was observed.
import { BEHAVIOURAL_KINDS, type DesignProblem, type RequirementKind, type ScenarioStep } from "@otpforge/otp-signatures";
import type { JobRunner } from "@otpforge/beam";
import { buildProbeScript, DEFAULT_PROBE_TIMING, hasProbePreload, type ProbeTiming } from "./probe-script.js";
import { findTopCandidates } from "./top-candidates.js";
import { stripCodeFence } from "../pair-verification/code-text.js";
import { runProbeJob, type ProbeJobOutcome } from "./probe-job.js";
import { exploreConcurrentCalls, withExplored, type ExploredCheck } from "./explore-concurrent.js";

export type DesignStatus =
  /** The skeleton compiled, a top supervisor started, every requirement was checked. */
  | "checked"
  | "empty"
  | "compile_error"
  | "policy_violation"
  /** No module to start, or it failed to start or did not stay up. */
  | "not_started"
  | "timeout"
  | "memory_limit"
  | "output_limit"
  | "runtime_error"
  | "crashed"
  /** The skeleton stopped its own VM (never retried). */
  | "vm_stopped";

export interface RequirementResult {
  id: string;
  kind: RequirementKind;
  description: string;
  pass: boolean;
  /** What was observed (or why it could not be checked). */
  detail: string;
}

export interface DesignVerification {
  problemId: string;
  status: DesignStatus;
  /** Fraction of requirements that held, 0..1 (0 unless status is "checked"), at most BEHAVIOUR_FAILED_CAP when a behavioural requirement failed. */
  score: number;
  passed: number;
  total: number;
  requirements: RequirementResult[];
  /** One line a person can act on. */
  message: string;
  /** How the top supervisor was started, e.g. "Shop.Supervisor.start_link/1". */
  top?: string;
  /** "convention": the module the problem names; "fallback": found by searching the source. */
  via?: "convention" | "fallback";
  /** The live tree as observed right after start. */
  tree?: string;
  durationMs: number;
}

/** The highest score of a design that fails a behavioural requirement (see BEHAVIOURAL_KINDS). */
export const BEHAVIOUR_FAILED_CAP = 0.5;

export interface VerifyDesignOptions {
  pool: JobRunner;
  timing?: Partial<ProbeTiming>;
  /** Wall-clock limit of the whole job; default from the requirements. */
  timeoutMs?: number;
  /**
   * Check concurrent_calls requirements that have an explored variant in every
   * interleaving too (explore-concurrent.ts), in a job of their own beside the
   * probe's. Default true.
   */
  explore?: boolean;
}

export async function verifyDesign(skeleton: string, problem: DesignProblem, options: VerifyDesignOptions): Promise<DesignVerification> {
  const started = Date.now();
  const timing: ProbeTiming = { ...DEFAULT_PROBE_TIMING, ...options.timing };
  const source = stripCodeFence(skeleton ?? "");

  if (source.trim() === "") {
    return notChecked(problem, "empty", "the code skeleton is empty", started);
  }

  const script = buildProbeScript(problem, findTopCandidates(source), timing, { preloaded: hasProbePreload(options.pool) });
  const [outcome, explored] = await Promise.all([
    runProbeJob(options.pool, source, script, options.timeoutMs ?? jobTimeoutMs(problem, timing)),
    options.explore === false ? undefined : exploreConcurrentCalls(options.pool, source, problem),
  ]);
  return toVerification(problem, outcome, started, explored);
}

/**
 * A probe's outcome as a verification (`started`: when the check began, for
 * durationMs), with what the explorer found for the requirements it explored.
 */
export function toVerification(
  problem: DesignProblem,
  outcome: ProbeJobOutcome,
  started: number,
  explored?: ReadonlyMap<string, ExploredCheck>,
): DesignVerification {
  if (outcome.kind === "failed") {
    return notChecked(problem, outcome.status, outcome.message, started);
  }
  const report = outcome.report;
  if (!report.started) {
    const v = notChecked(problem, "not_started", report.startError ?? "the top supervisor did not start", started);
    return { ...v, top: report.top ?? undefined };
  }

  const byId = new Map(report.results.map((r) => [r.id, r]));
  const requirements: RequirementResult[] = problem.requirements.map((req) => {
    const r = byId.get(req.id);
    const plain = { pass: r?.pass === true, detail: r ? r.detail : "the probe returned no result for this requirement" };
    return { id: req.id, kind: req.kind, description: req.description, ...withExplored(plain, explored?.get(req.id)) };
  });
  const passed = requirements.filter((r) => r.pass).length;
  const total = requirements.length;
  // A design that breaks a behaviour its story requires is a wrong design,
  // however much of its shape is right: at most half marks then.
  const broken = requirements.filter((r) => !r.pass && BEHAVIOURAL_KINDS.includes(r.kind));
  const fraction = total === 0 ? 0 : passed / total;
  return {
    problemId: problem.id,
    status: "checked",
    score: broken.length ? Math.min(fraction, BEHAVIOUR_FAILED_CAP) : fraction,
    passed,
    total,
    requirements,
    message:
      `${passed} of ${total} requirements hold` +
      (broken.length && fraction > BEHAVIOUR_FAILED_CAP
        ? ` (score capped at ${BEHAVIOUR_FAILED_CAP.toFixed(2)}: a behaviour the story requires fails)`
        : "") +
      (report.via === "fallback" ? ` (top supervisor ${report.top} found by searching: the problem asked for ${problem.topModule})` : ""),
    top: report.top ?? undefined,
    via: report.via ?? undefined,
    tree: report.tree ?? undefined,
    durationMs: Date.now() - started,
  };
}

/** The longest a list of scenario steps may take: every wait, deadline and call. */
function stepsMs(steps: ScenarioStep[], timing: ProbeTiming): number {
  return steps.reduce((sum, s) => {
    if ("waitMs" in s) return sum + s.waitMs;
    if ("running" in s) return sum + s.withinMs;
    if ("kill" in s) return sum + timing.restartWaitMs;
    if ("eventually" in s) return sum + s.withinMs + timing.callTimeoutMs;
    if ("stays" in s) return sum + s.forMs + timing.callTimeoutMs;
    return sum + timing.callTimeoutMs;
  }, 0);
}

function notChecked(problem: DesignProblem, status: DesignStatus, message: string, started: number): DesignVerification {
  return {
    problemId: problem.id,
    status,
    score: 0,
    passed: 0,
    total: problem.requirements.length,
    requirements: problem.requirements.map((req) => ({
      id: req.id,
      kind: req.kind,
      description: req.description,
      pass: false,
      detail: `not checked: ${message}`,
    })),
    message,
    durationMs: Date.now() - started,
  };
}

/**
 * A budget for the whole job: compile, one start per requirement, and the
 * longest waits each requirement may need. Generous on purpose: a timeout is
 * a verdict against the skeleton, so it must not come from a slow machine.
 */
export function jobTimeoutMs(problem: DesignProblem, timing: ProbeTiming): number {
  const perRequirement = problem.requirements.map((r) => {
    const base = timing.startTimeoutMs + 2 * timing.restartWaitMs + 4 * timing.callTimeoutMs;
    switch (r.kind) {
      case "expiry":
        return base + r.withinMs + 1000;
      case "escalation":
        return base + r.crashes * timing.restartWaitMs;
      case "concurrency_limit":
        return base + (r.limit + 2) * timing.callTimeoutMs;
      case "scenario":
        return base + stepsMs(r.steps, timing);
      case "concurrent_calls":
        return base + 2 * timing.callTimeoutMs + stepsMs(r.then ?? [], timing);
      case "hang":
      case "slow_dependency":
        return base + r.holdMs + stepsMs([...(r.during ?? []), ...(r.after ?? [])], timing);
      case "normal_exit":
        return base + stepsMs(r.then ?? [], timing);
      case "repeated_escalation":
        return base + r.rounds * (r.crashes + 2) * timing.restartWaitMs;
      case "recovers_after_escalation":
        return base + (r.crashes + 2) * timing.restartWaitMs + stepsMs(r.then ?? [], timing);
      case "latency":
        return base + r.withinMs;
      case "reclaims":
        return base + r.withinMs + Math.ceil(r.count / 100) * timing.callTimeoutMs;
      default:
        return base;
    }
  });
  return 10_000 + timing.startTimeoutMs + perRequirement.reduce((a, b) => a + b, 0);
}
