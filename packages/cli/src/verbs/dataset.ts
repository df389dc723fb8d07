// `otpforge dataset traces`: an execution-verified trace-prediction dataset.
// The work is @otpforge/datasets' buildTraceDataset on the beam pool; this verb
// parses options, resumes from an existing file, checkpoints, and reports.
import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import { createPool } from "@otpforge/beam";
import { ProgressBar } from "@otpforge/core";
import {
  buildTraceDataset, checkResume, datasetStats, FAMILIES, generationOptions, poolRunner, readGenerationOptions, readTraceDataset, statsPath,
  TraceDatasetWriter, type Difficulty, type Family, type TraceDatasetStats,
} from "@otpforge/datasets";
import { intOption, parseVerbArgs } from "../args.js";
import { checkOutputFile } from "../path-checks.js";
import { EXIT_FAILURE, EXIT_OK, UsageError, type CliIO, type Verb } from "../verb.js";

const DIFFICULTIES: Difficulty[] = ["easy", "medium", "hard"];

/** Worlds mostly sleep through their timers, so more VMs than cores keep the cores busy. */
export function defaultPoolSize(): number {
  return Math.min(16, 2 * availableParallelism());
}

const HELP = `Usage: otpforge dataset traces --n N --seed S --out F.jsonl [options] [--json]

Generates N trace-prediction examples: seeded OTP worlds (GenServers, an
optional supervisor, a schedule driven by a System process), each run R times
on the BEAM with scheduling perturbations; only answers every run agreed on
are kept. Families are balanced, no answer takes more than 40% of a family,
worlds are deduplicated and split train/dev/test by structure.

Options:
  --n N                   examples wanted (default 100)
  --seed S                seed; the same seed gives a byte-identical file
  --out F.jsonl           the dataset; statistics go to F.stats.json, the options
                          that made it to F.options.json
  --families a,b          only these families (default all): ${FAMILIES.join(", ")}
  --difficulty D          easy, medium or hard (default: a mix)
  --runs R                runs per world (default 5)
  --questions-per-world Q at most Q questions from one world, two per family (default 6)
  --max-worlds W          give up after W worlds (default max(200, 40 N))
  --pool-size P           worker VMs (default 2 per core, at most 16: world
                          runs spend much of their time waiting for timers)
  --races                 also make worlds with deliberate races, asked as
                          "which outcomes are possible" (such files are not
                          byte-reproducible)
  --json                  print one JSON object (statistics) instead of a report

Rerunning into an existing file completes it without duplicating ids; an
interrupted run resumes from F.jsonl.partial. Either needs the options that
made the file (--seed, --n, --families, --difficulty, --runs,
--questions-per-world, --races); another value is refused, naming the option.
Exit codes: 0 done, 1 the world budget ran out or balance failed, 2 bad usage
or an existing file made with other options.

Examples:
  otpforge dataset traces --n 200 --seed 1 --out data/traces.jsonl
  otpforge dataset traces --n 60 --seed 7 --out t.jsonl --families final_state,call_result --difficulty hard
  otpforge dataset traces --n 100 --seed 1 --out t.jsonl --runs 10 --json`;

function parseFamilies(value: string | undefined): Family[] | undefined {
  if (value === undefined) return undefined;
  const names = value.split(",").map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !(FAMILIES as readonly string[]).includes(n));
  if (names.length === 0 || unknown.length) throw new UsageError(`--families: unknown ${unknown.join(", ") || "(empty)"}; known: ${FAMILIES.join(", ")}`);
  return [...new Set(names)] as Family[];
}

function report(stats: TraceDatasetStats, out: string, seconds: number, added: number): string {
  const lines = [`${out}: ${stats.examples}/${stats.target} examples (${added} new in ${seconds.toFixed(1)} s, ${(added / Math.max(seconds, 1e-9)).toFixed(1)} verified examples/s)`];
  lines.push(`  ${"family".padEnd(16)} ${"n".padStart(4)}  ${"distinct".padStart(8)}  top answer (share)`);
  for (const [f, s] of Object.entries(stats.families)) {
    lines.push(`  ${f.padEnd(16)} ${String(s.count).padStart(4)}  ${String(s.distinctAnswers).padStart(8)}  ${s.topAnswer ?? "-"} (${Math.round(100 * s.topShare)}%)`);
  }
  lines.push(`  splits: train ${stats.splits.train}, dev ${stats.splits.dev}, test ${stats.splits.test}`);
  lines.push(`  worlds: ${stats.worlds.run} run, ${stats.worlds.contributing} used, ${stats.worlds.duplicates} duplicates, ${stats.worlds.disagreeing} racy or disagreeing, ${stats.worlds.busy} dropped (machine too busy for the timing), ${stats.worlds.failed} failed`);
  lines.push(`  balance: ${stats.balance.ok ? "ok" : `NOT MET: ${stats.balance.violations.join("; ")}`}`);
  return lines.join("\n") + "\n";
}

async function traces(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseVerbArgs("dataset", argv, {
    n: { type: "string" },
    seed: { type: "string" },
    out: { type: "string" },
    families: { type: "string" },
    difficulty: { type: "string" },
    runs: { type: "string" },
    "questions-per-world": { type: "string" },
    "max-worlds": { type: "string" },
    races: { type: "boolean" },
    "pool-size": { type: "string" },
  });
  if (positionals.length) throw new UsageError(`unexpected arguments: ${positionals.join(" ")}`);
  if (!values.out) throw new UsageError("--out F.jsonl is required");
  if (values.seed === undefined || values.seed === "") throw new UsageError("--seed is required (any text; the same seed gives the same file)");
  const n = intOption(values.n, "n", 100);
  const runs = intOption(values.runs, "runs", 5);
  const perWorld = intOption(values["questions-per-world"], "questions-per-world", 6);
  const maxWorlds = values["max-worlds"] === undefined ? undefined : intOption(values["max-worlds"], "max-worlds", 1);
  // Each one is a BEAM VM: a bound keeps a typo from starting thousands.
  const poolSize = intOption(values["pool-size"], "pool-size", defaultPoolSize(), 1, 256);
  const families = parseFamilies(values.families);
  const difficulty = values.difficulty as Difficulty | undefined;
  if (difficulty !== undefined && !DIFFICULTIES.includes(difficulty)) throw new UsageError(`--difficulty must be one of ${DIFFICULTIES.join(", ")}`);
  const out = resolve(io.cwd, values.out);
  checkOutputFile(out, "--out");

  // An unreadable file (TRACE_FILE) or one made with other options (TRACE_RESUME_MISMATCH) is bad input: exit 2.
  const existing = readTraceDataset(out).examples;
  const options = generationOptions({ seed: values.seed, n, families, difficulty, runs, questionsPerWorld: perWorld, races: values.races ?? false });
  checkResume(out, existing, readGenerationOptions(out), options);
  const writer = new TraceDatasetWriter(out, options);
  const started = performance.now();
  const showProgress = io.isTTY && !values.json;

  let result;
  if (existing.length >= n) {
    // Nothing to generate: rewrite the file (folding in a checkpoint) and its statistics.
    const stats = datasetStats(existing, n, families ?? FAMILIES, { run: 0, duplicates: 0, disagreeing: 0, failed: 0, busy: 0 });
    result = { examples: existing, stats, complete: true };
  } else {
    const pool = await createPool({ size: poolSize });
    const bar = new ProgressBar({ total: n, label: "trace examples", enabled: showProgress });
    try {
      result = await buildTraceDataset({
        n, seed: values.seed, runs, families, difficulty, questionsPerWorld: perWorld, maxWorlds, races: values.races ?? false,
        runner: poolRunner(pool, poolSize),
        existing,
        onAccepted: (records) => writer.append(records),
        onProgress: (p) => bar.update(p.examples, `${p.worlds} worlds`),
      });
    } finally {
      bar.finish();
      await pool.close();
    }
  }
  writer.finish(result.examples, result.stats);
  const seconds = (performance.now() - started) / 1000;
  const added = result.examples.length - existing.length;
  if (values.json) {
    io.stdout(JSON.stringify({ out, stats: statsPath(out), complete: result.complete, added, seconds: Math.round(seconds * 10) / 10, ...result.stats }) + "\n");
  } else {
    io.stdout(report(result.stats, out, seconds, added));
    if (!result.complete) io.stdout(`  the world budget ran out before every family was full: raise --max-worlds or use fewer --families\n`);
  }
  return result.complete && result.stats.balance.ok ? EXIT_OK : EXIT_FAILURE;
}

export const dataset: Verb = {
  name: "dataset",
  summary: "build an execution-verified dataset (traces)",
  help: HELP,
  async run(argv, io) {
    const [kind, ...rest] = argv;
    if (kind !== "traces") throw new UsageError(`say which dataset to build: \`otpforge dataset traces ...\`${kind ? ` (got "${kind}")` : ""}`);
    return traces(rest, io);
  },
};
