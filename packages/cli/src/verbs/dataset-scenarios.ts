// `otpforge dataset scenarios`: LM-written bug/fix pairs, kept only when the
// BEAM proves them. The work is @otpforge/datasets' generateScenarios; this
// verb parses options, continues an earlier session's attempt log, shows
// progress and prints the acceptance table.
import { resolve } from "node:path";
import { createPool } from "@otpforge/beam";
import { lmFromEnv, lm as lmFromSpec, noModelMessage, ProgressBar, withSettings, type LM } from "@otpforge/core";
import {
  acceptanceTable,
  checkScenarioResume,
  formatAcceptanceTable,
  generateScenarios,
  readScenarioAttempts,
  readScenarioSettings,
  scenarioSettings,
  SCENARIO_TARGETS,
  ScenarioDatasetWriter,
  scenarioStatsPath,
  attemptsPath,
  negativesPath,
  type ScenarioBudget,
  type ScenarioGenerationResult,
} from "@otpforge/datasets";
import { ScenarioProgram } from "@otpforge/otp-signatures";
import { loadCompiledFile } from "@otpforge/teleprompters";
import { intOption, lmOptions, MAX_JOB_TIMEOUT_MS, parseVerbArgs } from "../args.js";
import { checkOutputFile } from "../path-checks.js";
import { EXIT_FAILURE, EXIT_OK, UsageError, type CliIO } from "../verb.js";
import { defaultPoolSize } from "../pool-size.js";

export const SCENARIOS_HELP = `Usage: otpforge dataset scenarios --n N --seed S --out F.jsonl [--lm P/M] [--program ARTIFACT] [options] [--json]

A language-model program (ConcurrencyScenario, or a compiled one with
--program) writes bug/fix scenarios: buggy code, fixed code, explanation and
harness, one catalog anti-pattern at a time, each in a setting drawn from the
seed. A pair is kept only when the BEAM proves it: it parses, is no copy of a
reference catalog pair and no near-duplicate of a kept pair (same program up to
layout, comments and variable names), passes the sandbox policy, compiles, and
its harness fails on the buggy code in at least one of --runs runs and on the
fixed code in none. Every attempt goes to F.attempts.jsonl with its cause; the
kept records to F.jsonl, split by anti-pattern; the acceptance table to
F.stats.json. A "bug" the runs never show is explored on the buggy code: when
no interleaving fails either, the pair is a false friend, written to
F.negatives.jsonl as a labelled negative example ("is this a real bug?": no).

Options:
  --n N               pairs wanted (default 20)
  --seed S            seed of the settings and the order of anti-patterns
  --out F.jsonl       the dataset
  --lm P/M            the generator's model (default: OTPFORGE_LM)
  --lm-option K=V     a provider parameter for every call (repeatable)
  --program DIR       a compiled generator (otpforge compile) instead of the zero-shot one
  --runs K            runs per side (default 5)
  --anti-patterns IDS only these comma-separated catalog anti-patterns (default all)
  --max-attempts A    give up after A attempts in all (default 4 N)
  --max-calls C       model calls this session may make (cache hits are free)
  --max-tokens T      tokens this session may spend
  --max-cost USD      estimated cost this session may spend
  --concurrency J     attempts side by side (default: the pool size)
  --pool-size P       worker VMs (default one per core)
  --timeout-ms N      time limit of one run (default 8000)
  --json              one JSON object (the acceptance table) instead of a report

Rerunning into the same file continues its attempt log (after a kill too: the
attempt that was cut is made again); it needs the same --seed, --runs,
--anti-patterns, --lm and --program, and is refused otherwise. With the same
model answers (the LM cache) the file is the one an uninterrupted run writes.
Exit codes: 0 N pairs kept, 1 stopped before (attempts or budget spent), 2 bad
usage or a file made otherwise.

Examples:
  otpforge dataset scenarios --lm openai/gpt-5-mini --n 40 --seed 1 --out data/scenarios.jsonl
  otpforge dataset scenarios --lm anthropic/claude-haiku-4-5 --n 10 --seed 1 --out s.jsonl --anti-patterns call-cycle,calling-self --max-calls 50
  otpforge dataset scenarios --program artifacts/scenario --n 40 --seed 2 --out s2.jsonl`;

function budgetOf(values: Record<string, string | undefined>): ScenarioBudget {
  const money = values["max-cost"];
  const cost = money === undefined ? undefined : Number(money);
  if (cost !== undefined && (!Number.isFinite(cost) || cost <= 0))
    throw new UsageError(`--max-cost must be a positive number of US dollars, not ${JSON.stringify(money)}`);
  return {
    ...(values["max-calls"] !== undefined ? { calls: intOption(values["max-calls"], "max-calls", 1) } : {}),
    ...(values["max-tokens"] !== undefined ? { tokens: intOption(values["max-tokens"], "max-tokens", 1) } : {}),
    ...(cost !== undefined ? { costUSD: cost } : {}),
  };
}

function targetsOf(value: string | undefined) {
  if (value === undefined) return SCENARIO_TARGETS;
  const ids = [
    ...new Set(
      value
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ];
  const unknown = ids.filter((id) => !SCENARIO_TARGETS.some((t) => t.id === id));
  if (ids.length === 0 || unknown.length)
    throw new UsageError(
      `--anti-patterns: unknown ${unknown.join(", ") || "(empty)"}; known: ${SCENARIO_TARGETS.map((t) => t.id).join(", ")}`,
    );
  return ids.map((id) => SCENARIO_TARGETS.find((t) => t.id === id)!);
}

export async function scenarios(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseVerbArgs("dataset", argv, {
    n: { type: "string" },
    seed: { type: "string" },
    out: { type: "string" },
    lm: { type: "string" },
    "lm-option": { type: "string", multiple: true },
    program: { type: "string" },
    runs: { type: "string" },
    "anti-patterns": { type: "string" },
    "max-attempts": { type: "string" },
    "max-calls": { type: "string" },
    "max-tokens": { type: "string" },
    "max-cost": { type: "string" },
    concurrency: { type: "string" },
    "pool-size": { type: "string" },
    "timeout-ms": { type: "string" },
  });
  if (positionals.length) throw new UsageError(`unexpected arguments: ${positionals.join(" ")}`);
  if (!values.out) throw new UsageError("--out F.jsonl is required");
  if (values.seed === undefined || values.seed === "")
    throw new UsageError("--seed is required (any text; it picks the settings and the order of anti-patterns)");
  const n = intOption(values.n, "n", 20);
  const runs = intOption(values.runs, "runs", 5);
  const maxAttempts = intOption(values["max-attempts"], "max-attempts", 4 * n);
  const poolSize = intOption(values["pool-size"], "pool-size", defaultPoolSize(), 1, 256);
  const concurrency = intOption(values.concurrency, "concurrency", poolSize, 1, 256);
  const timeoutMs = intOption(values["timeout-ms"], "timeout-ms", 8_000, 100, MAX_JOB_TIMEOUT_MS);
  const budget = budgetOf(values as Record<string, string | undefined>);
  const targets = targetsOf(values["anti-patterns"]);
  const out = resolve(io.cwd, values.out);
  checkOutputFile(out, "--out");

  // A bad model spec or a missing key is an LMConfigError (bad input): runCli maps it.
  const providerOptions = lmOptions(values["lm-option"]);
  const model: LM | undefined = values.lm
    ? lmFromSpec(values.lm, { env: io.env, ...(providerOptions ? { providerOptions } : {}) })
    : lmFromEnv({ env: io.env, ...(providerOptions ? { providerOptions } : {}) });
  if (!model) throw new UsageError(noModelMessage({ lmFlag: true }));
  const program = new ScenarioProgram();
  if (values.program) await loadCompiledFile(program, resolve(io.cwd, values.program));

  const done = readScenarioAttempts(out);
  const settings = scenarioSettings({ seed: values.seed, runs, targets, model: model.id, program });
  checkScenarioResume(out, readScenarioSettings(out), settings, done.length);
  const writer = new ScenarioDatasetWriter(out, settings);
  const kept = done.filter((a) => a.record).length;
  const bar = new ProgressBar({ total: n, label: "scenarios kept", enabled: io.isTTY && !values.json });
  bar.update(kept, `${done.length} attempts`);
  const pool = await createPool({ size: poolSize });
  let result: ScenarioGenerationResult;
  let attempts = done.length;
  let keptNow = kept;
  try {
    result = await withSettings({ lm: model }, () =>
      generateScenarios({
        n,
        seed: values.seed!,
        program,
        pool,
        runs,
        timeoutMs,
        targets,
        maxAttempts,
        budget,
        done,
        concurrency,
        onAttempt: (a) => {
          writer.append(a);
          attempts += 1;
          if (a.record) keptNow += 1;
          bar.update(keptNow, `${attempts} attempts, last: ${a.anti_pattern_id} ${a.outcome}`);
        },
      }),
    );
  } finally {
    bar.finish();
    await pool.close();
  }
  const table = acceptanceTable(
    result.attempts,
    targets.map((t) => t.id),
  );
  const stats = {
    n,
    kept: result.records.length,
    negatives: result.negatives.length,
    attempts: result.attempts.length,
    stopped: result.stopped,
    spentThisSession: result.spent,
    acceptance: table,
  };
  writer.finish(result.records, stats, result.negatives);
  if (values.json)
    io.stdout(
      JSON.stringify({ out, negativesFile: negativesPath(out), stats: scenarioStatsPath(out), attemptLog: attemptsPath(out), ...stats }) +
        "\n",
    );
  else {
    io.stdout(
      `${out}: ${result.records.length}/${n} pairs kept from ${result.attempts.length} attempts (${done.length} from earlier sessions)\n`,
    );
    if (result.negatives.length)
      io.stdout(
        `${negativesPath(out)}: ${result.negatives.length} false friend${result.negatives.length === 1 ? "" : "s"} (no interleaving shows the "bug"), as negative examples\n`,
      );
    io.stdout(formatAcceptanceTable(table));
    if (result.stopped === "max_attempts")
      io.stdout(`  stopped: --max-attempts ${maxAttempts} reached; raise it (the file continues where it stopped)\n`);
    if (result.stopped === "budget") io.stdout(`  stopped: this session's model budget is spent; rerun to continue\n`);
  }
  return result.records.length >= n ? EXIT_OK : EXIT_FAILURE;
}
