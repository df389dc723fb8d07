// `otpforge dataset traces`: an execution-verified trace-prediction dataset.
// The work is @otpforge/datasets' buildTraceDataset on the beam pool; this verb
// parses options, resumes from an existing file, checkpoints, and reports.
import { resolve } from "node:path";
import { createPool } from "@otpforge/beam";
import { ProgressBar } from "@otpforge/core";
import {
  buildTraceDataset,
  checkResume,
  FAMILIES,
  finishedTraceDataset,
  generationOptions,
  poolRunner,
  readGenerationOptions,
  readTraceDataset,
  statsPath,
  traceDatasetNeedsWorlds,
  TraceDatasetWriter,
  tracePreload,
  type ConcurrentStats,
  type Difficulty,
  type Family,
  type TraceDatasetResult,
  type TraceDatasetStats,
} from "@otpforge/datasets";
import { intOption, parseVerbArgs } from "../args.js";
import { checkOutputFile } from "../path-checks.js";
import { defaultPoolSize } from "../pool-size.js";
import { EXIT_FAILURE, EXIT_OK, UsageError, type CliIO, type Verb } from "../verb.js";
import { scenarios, SCENARIOS_HELP } from "./dataset-scenarios.js";

const DIFFICULTIES: Difficulty[] = ["easy", "medium", "hard"];

const HELP = `Usage: otpforge dataset traces --n N --seed S --out F.jsonl [options] [--json]

Generates N trace-prediction examples: seeded OTP worlds (GenServers, an
optional supervisor, a schedule driven by a System process), each explored
over every interleaving on the BEAM, in virtual time; a world is kept only if
every schedule gives the same observation (proved deterministic), and one
whose exploration hits its bounds is dropped. Families are balanced, no answer
takes more than 40% of a family, worlds are deduplicated and split
train/dev/test by structure.

Options:
  --n N                   examples wanted (default 100)
  --seed S                seed; the same seed gives a byte-identical file
  --out F.jsonl           the dataset (sequential worlds' records, then concurrent
                          ones); statistics go to F.stats.json, the options
                          that made it to F.options.json
  --families a,b          only these families (default all): ${FAMILIES.join(", ")}
  --difficulty D          easy, medium or hard (default: a mix)
  --observe HOW           explore (default): every interleaving, as above; runs:
                          R perturbed real-time runs that must agree (the old way:
                          needs an idle machine to keep the schedule's timing)
  --runs R                runs per world with --observe runs (default 5); the
                          replay scripts' seeds come from them either way
  --questions-per-world Q at most Q questions from one world, two per family (default 6)
  --max-worlds W          give up after W worlds (default max(200, 40 N))
  --pool-size P           worker VMs (default one per core, at most 16)
  --races                 also make worlds with deliberate races, asked as
                          "which outcomes are possible" (such files are not
                          byte-reproducible)
  --concurrent-share S    the share of --n from concurrent worlds (default 0.5; 0
                          for none): several clients at once (families
                          possible_final_states, possible_replies, message_loss,
                          deadlock, arrival_order), each explored over every
                          interleaving (single-node model) and asked with the
                          complete set of possible outcomes; a world whose
                          exploration is cut by the bounds is dropped and counted
  --max-schedules M       concurrent worlds: schedules explored at most (default 1000)
  --json                  print one JSON object (statistics) instead of a report

Rerunning into an existing file completes it without duplicating ids; an
interrupted run resumes from F.jsonl.partial. Either needs the options that
made the file (--seed, --n, --families, --difficulty, --observe, --runs,
--questions-per-world, --races, --concurrent-share, --max-schedules); another value is refused, naming the option.
Exit codes: 0 done, 1 the world budget ran out or balance failed, 2 bad usage
or an existing file made with other options.

Examples:
  otpforge dataset traces --n 200 --seed 1 --out data/traces.jsonl
  otpforge dataset traces --n 60 --seed 7 --out t.jsonl --families final_state,call_result --difficulty hard
  otpforge dataset traces --n 100 --seed 1 --out t.jsonl --runs 10 --json
  otpforge dataset traces --n 100 --seed 1 --out t.jsonl --concurrent-share 0.8`;

/** Half of a dataset comes from concurrent worlds unless the user says otherwise. */
const DEFAULT_CONCURRENT_SHARE = 0.5;

function shareOption(value: string | undefined): number {
  if (value === undefined) return DEFAULT_CONCURRENT_SHARE;
  const x = Number(value);
  if (value.trim() === "" || !Number.isFinite(x) || x < 0 || x > 1)
    throw new UsageError(
      `--concurrent-share must be a number from 0 to 1 (the share of --n from concurrent worlds), not ${JSON.stringify(value)}`,
    );
  return x;
}

function parseFamilies(value: string | undefined): Family[] | undefined {
  if (value === undefined) return undefined;
  const names = value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = names.filter((n) => !(FAMILIES as readonly string[]).includes(n));
  if (names.length === 0 || unknown.length)
    throw new UsageError(`--families: unknown ${unknown.join(", ") || "(empty)"}; known: ${FAMILIES.join(", ")}`);
  return [...new Set(names)] as Family[];
}

function report(
  stats: TraceDatasetStats & { concurrent?: ConcurrentStats },
  out: string,
  seconds: number,
  added: number,
  n: number,
): string {
  const total = stats.examples + (stats.concurrent?.questions ?? 0);
  const lines = [
    `${out}: ${total}/${n} examples (${added} new in ${seconds.toFixed(1)} s, ${(added / Math.max(seconds, 1e-9)).toFixed(1)} verified examples/s)`,
  ];
  lines.push(`  sequential worlds: ${stats.examples}/${stats.target} examples`);
  lines.push(`  ${"family".padEnd(16)} ${"n".padStart(4)}  ${"distinct".padStart(8)}  top answer (share)`);
  for (const [f, s] of Object.entries(stats.families)) {
    lines.push(
      `  ${f.padEnd(16)} ${String(s.count).padStart(4)}  ${String(s.distinctAnswers).padStart(8)}  ${s.topAnswer ?? "-"} (${Math.round(100 * s.topShare)}%)`,
    );
  }
  lines.push(`  splits: train ${stats.splits.train}, dev ${stats.splits.dev}, test ${stats.splits.test}`);
  lines.push(
    `  worlds: ${stats.worlds.run} run, ${stats.worlds.contributing} used, ${stats.worlds.duplicates} duplicates, ${stats.worlds.disagreeing} racy or disagreeing, ${stats.worlds.incomplete} incomplete explorations, ${stats.worlds.busy} dropped (machine too busy for the timing), ${stats.worlds.failed} failed`,
  );
  lines.push(`  balance: ${stats.balance.ok ? "ok" : `NOT MET: ${stats.balance.violations.join("; ")}`}`);
  return lines.join("\n") + "\n";
}

function concurrentReport(stats: ConcurrentStats): string {
  const w = stats.worlds;
  const lines = [
    `  concurrent worlds: ${stats.questions} questions from ${w.contributing} worlds (${stats.model.join(", ") || "single-node"} model); ${Math.round(100 * stats.multiOutcomeShare)}% have two or more possible outcomes`,
  ];
  lines.push(`    ${"family".padEnd(22)} ${"n".padStart(4)}  ${"2+ outcomes".padStart(11)}  most outcomes`);
  for (const [f, s] of Object.entries(stats.families))
    lines.push(`    ${f.padEnd(22)} ${String(s.questions).padStart(4)}  ${String(s.multiOutcome).padStart(11)}  ${s.maxOutcomes}`);
  lines.push(
    `    splits (questions/worlds): ${Object.entries(stats.splits)
      .map(([k, v]) => `${k} ${v.questions}/${v.worlds}`)
      .join(", ")}`,
  );
  lines.push(
    `    worlds: ${w.run} explored this session, ${w.incomplete} dropped (exploration not complete within the bounds), ${w.unreadable} dropped (a run raised), ${w.failed} failed, ${w.duplicates} duplicates`,
  );
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
    observe: { type: "string" },
    "questions-per-world": { type: "string" },
    "max-worlds": { type: "string" },
    races: { type: "boolean" },
    "pool-size": { type: "string" },
    "concurrent-share": { type: "string" },
    "max-schedules": { type: "string" },
  });
  if (positionals.length) throw new UsageError(`unexpected arguments: ${positionals.join(" ")}`);
  if (!values.out) throw new UsageError("--out F.jsonl is required");
  if (values.seed === undefined || values.seed === "")
    throw new UsageError("--seed is required (any text; the same seed gives the same file)");
  const n = intOption(values.n, "n", 100);
  const runs = intOption(values.runs, "runs", 5);
  const observation = values.observe ?? "explore";
  if (observation !== "explore" && observation !== "runs")
    throw new UsageError(`--observe must be explore or runs, not ${JSON.stringify(observation)}`);
  const perWorld = intOption(values["questions-per-world"], "questions-per-world", 6);
  const maxWorlds = values["max-worlds"] === undefined ? undefined : intOption(values["max-worlds"], "max-worlds", 1);
  // Each one is a BEAM VM: a bound keeps a typo from starting thousands.
  const poolSize = intOption(values["pool-size"], "pool-size", defaultPoolSize(), 1, 256);
  const concurrentShare = shareOption(values["concurrent-share"]);
  const maxSchedules = intOption(values["max-schedules"], "max-schedules", 1000, 1, 100_000);
  if (values["max-schedules"] !== undefined && concurrentShare === 0)
    throw new UsageError("--max-schedules bounds the exploration of concurrent worlds: with --concurrent-share 0 there are none");
  const families = parseFamilies(values.families);
  const difficulty = values.difficulty as Difficulty | undefined;
  if (difficulty !== undefined && !DIFFICULTIES.includes(difficulty))
    throw new UsageError(`--difficulty must be one of ${DIFFICULTIES.join(", ")}`);
  const out = resolve(io.cwd, values.out);
  checkOutputFile(out, "--out");

  // An unreadable file (TRACE_FILE) or one made with other options (TRACE_RESUME_MISMATCH) is bad input: exit 2.
  const read = readTraceDataset(out);
  const existing = [...read.examples, ...read.concurrent];
  const concurrentBounds = { maxSchedules };
  const options = generationOptions({
    seed: values.seed,
    n,
    families,
    difficulty,
    observation,
    runs,
    questionsPerWorld: perWorld,
    races: values.races ?? false,
    concurrentShare,
    concurrentBounds,
  });
  checkResume(out, read.examples, readGenerationOptions(out), options, read.concurrent);
  const writer = new TraceDatasetWriter(out, options);
  const started = performance.now();
  const showProgress = io.isTTY && !values.json;

  let result: TraceDatasetResult;
  const pool = traceDatasetNeedsWorlds(read, n, concurrentShare)
    ? await createPool({ size: poolSize, preload: [tracePreload()] })
    : undefined;
  try {
    if (!pool) {
      // Nothing to generate: rewrite the file (folding in a checkpoint) and its statistics.
      result = finishedTraceDataset(read, { n, families, concurrentShare });
    } else {
      const bar = new ProgressBar({ total: n, label: "trace examples", enabled: showProgress });
      const before = { sequential: read.examples.length, concurrent: 0 };
      try {
        result = await buildTraceDataset({
          n,
          seed: values.seed,
          observation,
          runs,
          families,
          difficulty,
          questionsPerWorld: perWorld,
          maxWorlds,
          races: values.races ?? false,
          concurrentShare,
          concurrentBounds,
          runner: poolRunner(pool, poolSize),
          existing,
          onAccepted: (records) => writer.append(records),
          onProgress: (p) => {
            // Sequential worlds fill their part first, then concurrent ones theirs.
            if (p.phase === "sequential") before.sequential = p.examples;
            bar.update(p.phase === "sequential" ? p.examples : before.sequential + p.examples, `${p.phase} worlds: ${p.worlds}`);
          },
        });
      } finally {
        bar.finish();
      }
    }
  } finally {
    await pool?.close();
  }
  writer.finish(result.examples, result.stats);
  const seconds = (performance.now() - started) / 1000;
  const added = result.examples.length - existing.length;
  if (values.json) {
    io.stdout(
      JSON.stringify({
        out,
        stats: statsPath(out),
        complete: result.complete,
        added,
        seconds: Math.round(seconds * 10) / 10,
        ...result.stats,
      }) + "\n",
    );
  } else {
    io.stdout(report(result.stats, out, seconds, added, n));
    if (!result.complete)
      io.stdout(
        `  the world budget ran out before every family was full: raise --max-worlds (or --max-schedules for concurrent worlds), or use fewer --families\n`,
      );
    if (result.stats.concurrent) io.stdout(concurrentReport(result.stats.concurrent));
  }
  return result.complete && result.stats.balance.ok ? EXIT_OK : EXIT_FAILURE;
}

export const dataset: Verb = {
  name: "dataset",
  summary: "build an execution-verified dataset (traces, or LM-written bug/fix scenarios)",
  help: `${HELP}\n\n${SCENARIOS_HELP}`,
  async run(argv, io) {
    const [kind, ...rest] = argv;
    if (kind === "scenarios") return scenarios(rest, io);
    if (kind !== "traces")
      throw new UsageError(
        `say which dataset to build: \`otpforge dataset traces ...\` or \`otpforge dataset scenarios ...\`${kind ? ` (got "${kind}")` : ""}`,
      );
    return traces(rest, io);
  },
};
