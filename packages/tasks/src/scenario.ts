// The scenario task: ScenarioProgram writes a bug/fix scenario for an
// anti-pattern, and a scenario scores 1 only when the BEAM proves it (the
// harness fails on the buggy code in some run, never on the fix). Its records
// are anti-patterns with a split (by anti-pattern: dev anti-patterns are never
// trained on); `catalog` names the reference catalog's. Labels: the catalog
// pair of the anti-pattern, when there is one, so labeled demos are complete.
import { readFileSync } from "node:fs";
import { example, jsonLines, OtpforgeError } from "@otpforge/core";
import { SCENARIO_TARGETS, splitOf } from "@otpforge/datasets";
import { evalScenario, scenarioAcceptance, type ScenarioTargetRecord } from "@otpforge/metrics";
import { referencePairs, ScenarioProgram } from "@otpforge/otp-signatures";
import { evalRunOptions, lazyPool, type OtpTask, type TaskOptions } from "./task.js";

/** Runs per side when a scenario is checked (the metric runs often, in compile). */
export const DEFAULT_SCENARIO_RUNS = 3;

export class ScenarioTargetsError extends OtpforgeError {
  constructor(message: string) {
    super("INVALID_SCENARIO_TARGETS", message, { category: "input" });
  }
}

function asTarget(value: unknown): ScenarioTargetRecord | string {
  const v = value as Record<string, unknown>;
  if (typeof v !== "object" || v === null || Array.isArray(v)) return "a JSON object";
  for (const k of ["id", "category", "anti_pattern"]) if (typeof v[k] !== "string" || v[k] === "") return `${k}: a non-empty string`;
  if (v.split !== undefined && !["train", "dev", "test"].includes(v.split as string)) return "split: train, dev or test";
  const extra = Object.keys(v).filter((k) => !["id", "category", "anti_pattern", "split"].includes(k));
  if (extra.length) return `no other fields (got ${extra.join(", ")})`;
  return v as unknown as ScenarioTargetRecord;
}

function catalogTargets(): ScenarioTargetRecord[] {
  return SCENARIO_TARGETS.map((t) => ({ id: t.id, category: t.category, anti_pattern: t.antiPattern, split: splitOf(t.id) }));
}

function readTargets(file: string): ScenarioTargetRecord[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new ScenarioTargetsError(
      `cannot read scenario targets ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); or pass \`catalog\` for the catalog's anti-patterns`,
    );
  }
  const out: ScenarioTargetRecord[] = [];
  for (const { line, value } of jsonLines(text, { invalid: (l) => new ScenarioTargetsError(`${file}:${l}: not valid JSON`) })) {
    const target = asTarget(value);
    if (typeof target === "string")
      throw new ScenarioTargetsError(`${file}:${line}: not a scenario target ({id, category, anti_pattern, split?}): needs ${target}`);
    out.push(target);
  }
  return out;
}

export function scenarioTask(options: TaskOptions = {}): OtpTask<ScenarioProgram, ScenarioTargetRecord> {
  const pool = lazyPool(options.pool);
  const runs = options.runs ?? DEFAULT_SCENARIO_RUNS;
  const timeout = options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {};
  const readRecords = (source: string) => (source === "catalog" ? catalogTargets() : readTargets(source));
  const toExample = (t: ScenarioTargetRecord) => {
    const pair = referencePairs.find((e) => e.id === t.id);
    const label = pair ? { buggy_code: pair.buggy, fixed_code: pair.fixed, explanation: pair.explanation, harness: pair.harness } : {};
    return example({ ...t, ...label }).withInputs("anti_pattern");
  };
  return {
    name: "scenario",
    summary: `ScenarioProgram writes a bug/fix scenario per anti-pattern; it scores 1 only when the harness fails on the buggy code in some of ${runs} runs on the BEAM and on the fix in none`,
    dataHelp: "anti-patterns (JSONL: id, category, anti_pattern, split?), or `catalog` for the reference catalog's (split by anti-pattern)",
    builtinData: "catalog",
    description: "ConcurrencyScenario: anti_pattern -> buggy_code, fixed_code, explanation, harness, graded by execution",
    program: () => new ScenarioProgram(),
    metric: async (ex, prediction) => {
      const outputs = (prediction as { outputs?: Record<string, string> }).outputs;
      const a = await scenarioAcceptance(outputs, { pool: await pool.get(), runs, ...timeout, antiPattern: String(ex.data.anti_pattern) });
      return { score: a.score, feedback: a.feedback };
    },
    metricThreshold: 1,
    // The compile report's table: acceptance zero-shot and compiled per anti-pattern.
    reportCategory: (d) => (typeof d.id === "string" ? d.id : undefined),
    readRecords,
    toExample,
    loadExamples: (source) => readRecords(source).map(toExample),
    evaluate: async (program, targets, o = {}) =>
      evalScenario(program, targets, {
        pool: await pool.get(),
        runs,
        ...timeout,
        ...evalRunOptions(o),
      }),
    close: pool.close,
  };
}
