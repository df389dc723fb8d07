// Generating bug/fix scenarios with a language-model program, keeping only
// what the BEAM proves. Attempt i asks the generator for target i's
// anti-pattern in a seeded setting; its answer goes through the checks in
// order (cheapest first): every field present, the code parses, not a copy of
// a catalog pair, not a near-duplicate of a pair already kept, then
// verifyPair in the sandbox (policy, compilation, the bug shown on the buggy
// code in at least one run and never on the fix). A "bug" the runs never show
// is searched for by the explorer (searchSide of @otpforge/metrics): a failing
// interleaving, with a fix that holds in every one, keeps the pair on that
// witness; when no interleaving fails either, the pair is a false friend, kept
// as a negative example. Each attempt's outcome is
// handed to onAttempt in attempt order, so a caller can checkpoint it and a
// later session can go on from where this one stopped with the same result.
import { AdapterParseError, currentLM, hashValue, Prediction, rng, trackUsage, type Module } from "@otpforge/core";
import type { ExploredOutcome, JobRunner } from "@otpforge/beam";
import {
  DEFAULT_PROOF_SCHEDULES,
  programFingerprints,
  scenarioSource,
  searchSide,
  stripCodeFence,
  verifyPair,
  type PairVerdict,
} from "@otpforge/metrics";
import { catalog } from "@otpforge/otp-signatures";
import { outcomeOfVerdict, type ScenarioOutcome } from "./outcomes.js";
import { FALSE_FRIEND_QUESTION, SCENARIO_GENERATOR_VERSION, type FalseFriendRecord, type ScenarioRecord } from "./record.js";
import { attemptTarget, SCENARIO_TARGETS, splitOf, targetInput, type ScenarioTarget } from "./targets.js";

/** One attempt, as checkpointed: its outcome, what it cost, and the record when kept. */
export interface ScenarioAttempt {
  attempt: number;
  anti_pattern_id: string;
  setting: string;
  outcome: ScenarioOutcome;
  /** Why, in one line (the verdict's reason, the missing field, the pair it duplicates). */
  detail: string;
  /** LM calls made (cache hits included) and tokens spent on it. */
  usage: { calls: number; cacheHits: number; tokens: number; costUSD: number };
  record?: ScenarioRecord;
  /** The negative example, when the outcome is false_friend. */
  negative?: FalseFriendRecord;
}

export interface ScenarioBudget {
  /** LM calls that are not cache hits. */
  calls?: number;
  tokens?: number;
  costUSD?: number;
}

export interface ScenarioGenerationOptions {
  /** Pairs wanted (kept ones, including those of `done`). */
  n: number;
  seed: string;
  /** The generator: a program whose outputs are ConcurrencyScenario's (e.g. ScenarioProgram, possibly compiled). */
  program: Module;
  /** Runs the code (sandboxed). */
  pool: JobRunner;
  /** Runs per side in verifyPair. Default 5. */
  runs?: number;
  timeoutMs?: number;
  /** Default: every reference anti-pattern of the catalog. */
  targets?: readonly ScenarioTarget[];
  /** Give up after this many attempts in all. Default 4n. */
  maxAttempts?: number;
  /** What this session may spend on the model; checked before each batch of attempts. */
  budget?: ScenarioBudget;
  /** Attempts of an earlier session (its checkpoint), in order from 0. */
  done?: readonly ScenarioAttempt[];
  /** Schedules the explorer may run on each side of a pair whose bug the runs never showed. Default 500. */
  maxProofSchedules?: number;
  /** Attempts run side by side (their outcomes are still decided and reported in order). Default 1. */
  concurrency?: number;
  /** Each finished attempt, in attempt order. */
  onAttempt?(attempt: ScenarioAttempt): void | Promise<void>;
}

export interface ScenarioGenerationResult {
  records: ScenarioRecord[];
  /** False friends: pairs whose bug no interleaving shows, as negative examples (not counted in n). */
  negatives: FalseFriendRecord[];
  attempts: ScenarioAttempt[];
  /** Why generation stopped. */
  stopped: "done" | "max_attempts" | "budget";
  /** This session's spending. */
  spent: { calls: number; tokens: number; costUSD: number };
}

const FIELDS = ["buggy_code", "fixed_code", "explanation", "harness"] as const;

/** Schedules searched for a witness of a bug the runs already showed (a depth-first search meets one early, or never). */
const WITNESS_SCHEDULES = 50;

export async function generateScenarios(o: ScenarioGenerationOptions): Promise<ScenarioGenerationResult> {
  const targets = o.targets ?? SCENARIO_TARGETS;
  if (targets.length === 0) throw new RangeError("generateScenarios needs at least one anti-pattern target");
  const runs = o.runs ?? 5;
  const maxAttempts = o.maxAttempts ?? 4 * o.n;
  const concurrency = Math.max(1, o.concurrency ?? 1);
  const random = rng(`scenarios:${o.seed}`);
  const attempts = [...(o.done ?? [])];
  const records = attempts.flatMap((a) => (a.record ? [a.record] : []));
  const negatives = attempts.flatMap((a) => (a.negative ? [a.negative] : []));
  const kept = new Map([...records, ...negatives].map((r) => [r.verification.fingerprints.buggy, r.id]));
  const model = modelId();
  const versions = await beamVersions(o.pool);
  const reference = await catalogFingerprints(o.pool);
  const spent = { calls: 0, tokens: 0, costUSD: 0 };
  const overBudget = () =>
    (o.budget?.calls !== undefined && spent.calls >= o.budget.calls) ||
    (o.budget?.tokens !== undefined && spent.tokens >= o.budget.tokens) ||
    (o.budget?.costUSD !== undefined && spent.costUSD >= o.budget.costUSD);

  let stopped: ScenarioGenerationResult["stopped"] = "done";
  while (records.length < o.n) {
    if (attempts.length >= maxAttempts) {
      stopped = "max_attempts";
      break;
    }
    if (overBudget()) {
      stopped = "budget";
      break;
    }
    const batch = Array.from(
      { length: Math.min(concurrency, maxAttempts - attempts.length, o.n - records.length) },
      (_, k) => attempts.length + k,
    );
    const drafts = await Promise.all(batch.map((i) => draft(i)));
    for (const d of drafts) {
      // Decided in order: of two near-duplicates in one batch the first is kept.
      const a =
        d.candidate && kept.has(d.candidate.fingerprints.buggy)
          ? duplicateOf(d, kept.get(d.candidate.fingerprints.buggy)!)
          : await settle(d);
      spent.calls += a.usage.calls - a.usage.cacheHits;
      spent.tokens += a.usage.tokens;
      spent.costUSD += a.usage.costUSD;
      if (a.record) {
        records.push(a.record);
        kept.set(a.record.verification.fingerprints.buggy, a.record.id);
      }
      if (a.negative) {
        negatives.push(a.negative);
        kept.set(a.negative.verification.fingerprints.buggy, a.negative.id);
      }
      attempts.push(a);
      await o.onAttempt?.(a);
    }
  }
  return { records, negatives, attempts, stopped, spent };

  // The model's answer and the checks that need no run; the verification is left to settle().
  async function draft(i: number): Promise<Draft> {
    const { target, setting } = attemptTarget(targets, random, i);
    const base = { attempt: i, anti_pattern_id: target.id, setting };
    const input = targetInput(target, setting);
    let outputs: Record<string, unknown> | undefined;
    let malformed: string | undefined;
    const { usage } = await trackUsage(async () => {
      try {
        const p = await o.program.forward({ anti_pattern: input });
        outputs = (p instanceof Prediction ? p.outputs : p) as Record<string, unknown>;
      } catch (err) {
        // An answer the adapter cannot read is the generator's failure; anything else (no model, network) stops the run.
        if (!(err instanceof AdapterParseError)) throw err;
        malformed = err.message.split("\n")[0]!;
      }
    });
    const cost = {
      calls: usage.calls,
      cacheHits: usage.cacheHits,
      tokens: usage.promptTokens + usage.completionTokens,
      costUSD: usage.costUSD,
    };
    const fail = (outcome: ScenarioOutcome, detail: string): Draft => ({ base, cost, done: { ...base, outcome, detail, usage: cost } });
    if (malformed !== undefined) return fail("malformed", malformed);
    const code = Object.fromEntries(
      FIELDS.map((f) => [f, typeof outputs?.[f] === "string" ? stripCodeFence(outputs[f] as string).trim() : ""]),
    ) as Record<(typeof FIELDS)[number], string>;
    const missing = FIELDS.filter((f) => code[f] === "");
    if (missing.length) return fail("malformed", `no ${missing.join(", ")} in the answer`);
    const [buggy, fixed, harness] = await programFingerprints(o.pool, [code.buggy_code, code.fixed_code, code.harness]);
    const unparsed = [
      ["buggy_code", buggy],
      ["fixed_code", fixed],
      ["harness", harness],
    ]
      .filter(([, h]) => h === null)
      .map(([f]) => f);
    if (unparsed.length) return fail("not_compiling", `${unparsed.join(", ")} does not parse as Elixir`);
    const copied = reference.get(buggy!) ?? reference.get(fixed!);
    if (copied) return fail("catalog_copy", `the same program as the reference catalog's ${copied}`);
    return { base, cost, candidate: { target, input, code, fingerprints: { buggy: buggy!, fixed: fixed! } } };
  }

  async function settle(d: Draft): Promise<ScenarioAttempt> {
    if (d.done) return d.done;
    const c = d.candidate!;
    const verdict = await verifyPair(
      { buggy: c.code.buggy_code, fixed: c.code.fixed_code, harness: c.code.harness },
      { pool: o.pool, runs, ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}) },
    );
    const outcome = outcomeOfVerdict(verdict.code);
    const attempt: ScenarioAttempt = { ...d.base, outcome, detail: verdict.reason, usage: d.cost };
    if (outcome === "kept") {
      // The runs showed the bug; a short search adds the schedule that shows it, in words, when it finds one.
      const shown = await searchSide(o.pool, c.code.buggy_code, c.code.harness, WITNESS_SCHEDULES);
      const witness = shown.ran ? shown.failing : undefined;
      return {
        ...attempt,
        detail: `bug in ${verdict.buggyFailures} of ${runs} runs, fix in none`,
        record: toRecord(d, verdict, witness ? { witness } : undefined),
      };
    }
    if (verdict.code !== "bug_not_reproduced" || verdict.fixedFailures > 0) return attempt;
    return explored(d, verdict, attempt);
  }

  // The runs never showed the bug: the explorer decides between a rare bug (kept
  // on its witness, if the fix holds in every interleaving), no bug (a false
  // friend: a negative example) and "cannot tell" (bug_not_shown).
  async function explored(d: Draft, verdict: PairVerdict, attempt: ScenarioAttempt): Promise<ScenarioAttempt> {
    const c = d.candidate!;
    const max = o.maxProofSchedules ?? DEFAULT_PROOF_SCHEDULES;
    const buggy = await searchSide(o.pool, c.code.buggy_code, c.code.harness, max);
    if (!buggy.ran) return { ...attempt, detail: `${verdict.reason}; ${buggy.why}` };
    if (!buggy.failing) {
      if (!buggy.complete)
        return { ...attempt, detail: `${verdict.reason}; the explorer could not cover every interleaving within ${max} schedules` };
      return {
        ...attempt,
        outcome: "false_friend",
        detail: `no run and none of ${buggy.schedules} interleavings failed`,
        negative: toNegative(d, verdict, buggy.schedules),
      };
    }
    const shown = `the explorer found an interleaving that fails (${buggy.failing.outcome.slice(0, 120)})`;
    const fix = await searchSide(o.pool, c.code.fixed_code, c.code.harness, max);
    if (!fix.ran) return { ...attempt, detail: `${verdict.reason}; ${shown}, but the fix: ${fix.why}` };
    if (fix.failing)
      return {
        ...attempt,
        outcome: "fix_failing",
        detail: `${shown}, and the fix fails in an interleaving too (${fix.failing.outcome.slice(0, 120)})`,
      };
    if (!fix.complete)
      return { ...attempt, detail: `${verdict.reason}; ${shown}, but the fix could not be searched completely within ${max} schedules` };
    const record = toRecord(d, verdict, { witness: buggy.failing, fixSchedules: fix.schedules });
    return {
      ...attempt,
      outcome: "kept",
      detail: `${shown} that the runs missed; the fix held in all ${fix.schedules} interleavings`,
      record,
    };
  }

  function toNegative(d: Draft, v: PairVerdict, schedules: number): FalseFriendRecord {
    const c = d.candidate!;
    return {
      id: `ff-${hashValue([c.fingerprints.buggy, c.fingerprints.fixed]).slice(0, 12)}`,
      kind: "false_friend",
      generator: SCENARIO_GENERATOR_VERSION,
      anti_pattern_id: c.target.id,
      category: c.target.category,
      anti_pattern: c.input,
      setting: d.base.setting,
      suspect_code: c.code.buggy_code,
      claimed_bug: c.code.explanation,
      claimed_fix: c.code.fixed_code,
      harness: c.code.harness,
      question: FALSE_FRIEND_QUESTION,
      is_bug: false,
      split: splitOf(c.target.id),
      verification: {
        verdict: "not_a_bug",
        runs: v.runs,
        buggy_failures: 0,
        fixed_failures: 0,
        exploration: { model: "single-node", complete: true, schedules, outcomes: [":ok"] },
        fingerprints: c.fingerprints,
        ...versions,
      },
      provenance: { seed: o.seed, attempt: d.base.attempt, model },
      replay: scenarioSource(c.code.buggy_code, c.code.harness),
    };
  }

  function duplicateOf(d: Draft, id: string): ScenarioAttempt {
    return {
      ...d.base,
      outcome: "duplicate",
      detail: `a near-duplicate of ${id} (same program up to layout, comments and variable names)`,
      usage: d.cost,
    };
  }

  function toRecord(d: Draft, v: PairVerdict, explorer?: { witness: ExploredOutcome; fixSchedules?: number }): ScenarioRecord {
    const c = d.candidate!;
    const id = `scn-${hashValue([c.fingerprints.buggy, c.fingerprints.fixed]).slice(0, 12)}`;
    return {
      id,
      kind: "scenario",
      generator: SCENARIO_GENERATOR_VERSION,
      anti_pattern_id: c.target.id,
      category: c.target.category,
      anti_pattern: c.input,
      setting: d.base.setting,
      ...c.code,
      split: splitOf(c.target.id),
      verification: {
        verdict: "valid",
        runs,
        buggy_failures: v.buggyFailures,
        fixed_failures: 0,
        ...(explorer
          ? {
              witness: {
                model: "single-node" as const,
                outcome: explorer.witness.outcome,
                schedule: explorer.witness.witness,
                steps: explorer.witness.steps,
              },
            }
          : {}),
        ...(explorer?.fixSchedules
          ? { fix_exploration: { model: "single-node" as const, complete: true as const, schedules: explorer.fixSchedules } }
          : {}),
        fingerprints: c.fingerprints,
        ...versions,
      },
      provenance: { seed: o.seed, attempt: d.base.attempt, model },
      replay: `otpforge verify scenario --data FILE.jsonl --id ${id} --runs ${runs}`,
    };
  }
}

interface Draft {
  base: { attempt: number; anti_pattern_id: string; setting: string };
  cost: ScenarioAttempt["usage"];
  /** Decided without running (malformed, unparsed, a catalog copy). */
  done?: ScenarioAttempt;
  candidate?: {
    target: ScenarioTarget;
    input: string;
    code: Record<(typeof FIELDS)[number], string>;
    fingerprints: { buggy: string; fixed: string };
  };
}

function modelId(): string | null {
  try {
    return currentLM().id;
  } catch {
    return null;
  }
}

async function beamVersions(pool: JobRunner): Promise<{ elixir: string; otp: string }> {
  const r = await pool.run({
    script: `[System.version(), List.to_string(:erlang.system_info(:otp_release))]`,
    trusted: true,
    limits: { timeoutMs: 30_000 },
  });
  const v = r.valueJson;
  if (r.status !== "ok" || !Array.isArray(v))
    throw new Error(`could not read the Elixir and OTP versions: ${r.status}${r.message ? `: ${r.message}` : ""}`);
  return { elixir: String(v[0]), otp: String(v[1]) };
}

/** Fingerprints of every catalog entry's buggy and fixed code (false friends included), to the entry's id. */
async function catalogFingerprints(pool: JobRunner): Promise<Map<string, string>> {
  const sources = catalog.flatMap((e) => [e.buggy, e.fixed]);
  const hashes = await programFingerprints(pool, sources);
  const out = new Map<string, string>();
  hashes.forEach((h, i) => h && out.set(h, catalog[Math.floor(i / 2)]!.id));
  return out;
}
