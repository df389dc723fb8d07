// `otpforge verify pair|catalog|scenario`: execution-verify bug/fix pairs. The logic
// lives in @otpforge/metrics (and datasets, for a scenario record kept on the
// explorer's witness); this verb reads files, prints and picks the
// exit code (0 valid / all as expected, 1 invalid / unexpected, 2 bad input).
import { readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { verifyCatalog, verifyPair, type CatalogCheck, type PairVerdict } from "@otpforge/metrics";
import { catalog, catalogEntry, type CatalogEntry } from "@otpforge/otp-signatures";
import { withPool } from "@otpforge/beam";
import { readScenarioRecords, verifyScenarioRecord, type ScenarioRecord } from "@otpforge/datasets";
import { intOption, MAX_JOB_TIMEOUT_MS, parseVerbArgs } from "../args.js";
import { PathError, userPathError } from "../fs-errors.js";
import { EXIT_FAILURE, EXIT_OK, UsageError, type CliIO, type Verb } from "../verb.js";

export const verify: Verb = {
  name: "verify",
  summary: "execution-verify a bug/fix pair (verify pair), every catalog entry (verify catalog) or a generated scenario (verify scenario)",
  help: `Usage:
  otpforge verify pair --buggy B.ex --fixed F.ex --harness H.exs [--runs K] [--timeout-ms N] [--json]
  otpforge verify catalog [--runs K] [--only ID,ID] [--timeout-ms N] [--json]
  otpforge verify scenario --data F.jsonl --id ID [--runs K] [--timeout-ms N] [--json]

verify pair compiles both versions and the harness under the sandbox policy and
runs Scenario.run/0 K times against each version (each run in fresh processes).
The pair is valid when the harness fails on the buggy version in at least one
run and passes on the fixed version in every run. It prints verdict, reason,
runs, buggyFailures and fixedFailures.

verify catalog verifies every reference entry: reference pairs must be valid,
false friends (claims that are not bugs on the BEAM) invalid.

verify scenario verifies one record of an \`otpforge dataset scenarios\` file
again (its replay command), by default with the runs it was kept with; a
record kept on the explorer's witness (its bug showed in no run) has the
witness replayed on the buggy code and the fix searched again.

Options:
  --runs K          runs per side (default 5)
  --timeout-ms N    time limit of one run, compilation included (default 8000, at most a day)
  --only IDS        catalog: only these comma-separated entry ids
  --json            one JSON object

Exit codes: 0 valid (catalog: every verdict as expected), 1 invalid
(catalog: some verdict unexpected), 2 bad usage or a missing file.

Examples:
  otpforge verify pair --buggy counter_buggy.ex --fixed counter_fixed.ex --harness counter_harness.exs
  otpforge verify pair --buggy b.ex --fixed f.ex --harness h.exs --runs 10 --json
  otpforge verify catalog
  otpforge verify catalog --runs 3 --only call-cycle,local-variable-counter --json`,

  async run(argv, io) {
    const [sub, ...rest] = argv;
    if (sub === "pair") return verifyPairVerb(rest, io);
    if (sub === "catalog") return verifyCatalogVerb(rest, io);
    if (sub === "scenario") return verifyScenarioVerb(rest, io);
    throw new UsageError(
      `say what to verify: \`otpforge verify pair ...\`, \`otpforge verify catalog\` or \`otpforge verify scenario ...\`${sub ? ` (got "${sub}")` : ""}. See \`otpforge verify --help\`.`,
    );
  },
};

async function verifyPairVerb(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseVerbArgs(
    "verify",
    argv,
    {
      buggy: { type: "string" },
      fixed: { type: "string" },
      harness: { type: "string" },
      runs: { type: "string" },
      "timeout-ms": { type: "string" },
    },
    false,
  );
  const runs = intOption(values.runs, "runs", 5);
  const timeoutMs = intOption(values["timeout-ms"], "timeout-ms", 8_000, 100, MAX_JOB_TIMEOUT_MS);
  const missing = (["buggy", "fixed", "harness"] as const).filter((k) => !values[k]);
  if (missing.length)
    throw new UsageError(`missing ${missing.map((k) => `--${k}`).join(", ")}: give the buggy code, the fixed code and the harness files.`);
  const read = (option: "buggy" | "fixed" | "harness") => readSource(resolve(io.cwd, values[option]!), option);
  return checkPair({ buggy: read("buggy"), fixed: read("fixed"), harness: read("harness") }, runs, timeoutMs, values.json === true, io);
}

/** A record of `otpforge dataset scenarios`, verified again from its file (the record's replay command). */
async function verifyScenarioVerb(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseVerbArgs(
    "verify",
    argv,
    { data: { type: "string" }, id: { type: "string" }, runs: { type: "string" }, "timeout-ms": { type: "string" } },
    false,
  );
  if (!values.data || !values.id)
    throw new UsageError("verify scenario needs --data F.jsonl (a scenario dataset) and --id ID (one of its records)");
  const records = readScenarioRecords(resolve(io.cwd, values.data));
  const record = records.find((r) => r.id === values.id);
  if (!record)
    throw new UsageError(
      `${values.data} has no record ${values.id}; it holds ${records.length} (${records
        .slice(0, 5)
        .map((r) => r.id)
        .join(", ")}${records.length > 5 ? ", ..." : ""})`,
    );
  const runs = intOption(values.runs, "runs", record.verification.runs);
  const timeoutMs = intOption(values["timeout-ms"], "timeout-ms", 8_000, 100, MAX_JOB_TIMEOUT_MS);
  if (record.verification.witness) return checkWitnessRecord(record, runs, timeoutMs, values.json === true, io);
  return checkPair(
    { buggy: record.buggy_code, fixed: record.fixed_code, harness: record.harness },
    runs,
    timeoutMs,
    values.json === true,
    io,
  );
}

/** A record kept on the explorer's witness (its bug shows in no run): the runs, the witness replayed, the fix searched again. */
async function checkWitnessRecord(record: ScenarioRecord, runs: number, timeoutMs: number, json: boolean, io: CliIO): Promise<number> {
  const check = await withPool(undefined, (pool) => verifyScenarioRecord(pool, record, { runs, timeoutMs }));
  const witness = { outcome: record.verification.witness!.outcome, reached: check.witnessOutcome ?? null };
  const verdict = check.valid ? "valid" : "invalid";
  if (json) io.stdout(JSON.stringify({ ...pairJson(check.verdict), verdict, reason: check.reason, witness }) + "\n");
  else {
    const v = check.verdict;
    io.stdout(
      `verdict: ${verdict}\nreason: ${check.reason}\nruns: ${runs}\nbuggyFailures: ${v.buggyFailures}\nfixedFailures: ${v.fixedFailures}\n`,
    );
    io.stdout(`witness: recorded ${witness.outcome}, replayed ${witness.reached ?? "(not replayed)"}\n`);
  }
  return check.valid ? EXIT_OK : EXIT_FAILURE;
}

async function checkPair(
  input: { buggy: string; fixed: string; harness: string },
  runs: number,
  timeoutMs: number,
  json: boolean,
  io: CliIO,
): Promise<number> {
  const values = { json };
  const progress = io.isTTY && !values.json;
  const done = { buggy: 0, fixed: 0 };
  const verdict = await verifyPair(input, {
    runs,
    timeoutMs,
    onRun: (side) => {
      done[side]++;
      if (progress) io.stderr(`\rruns: buggy ${done.buggy}/${runs}  fixed ${done.fixed}/${runs}`);
    },
  });
  if (progress) io.stderr("\n");
  if (values.json) io.stdout(JSON.stringify(pairJson(verdict)) + "\n");
  else io.stdout(pairText(verdict));
  return verdict.verdict === "valid" ? EXIT_OK : EXIT_FAILURE;
}

async function verifyCatalogVerb(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseVerbArgs(
    "verify",
    argv,
    { runs: { type: "string" }, only: { type: "string" }, "timeout-ms": { type: "string" } },
    false,
  );
  const runs = intOption(values.runs, "runs", 5);
  const timeoutMs = intOption(values["timeout-ms"], "timeout-ms", 8_000, 100, MAX_JOB_TIMEOUT_MS);
  let entries: readonly CatalogEntry[] = catalog;
  // An unknown id is UNKNOWN_CATALOG_ENTRY, bad input: run-cli exits 2 with the known ids.
  if (values.only) entries = values.only.split(",").map((id) => catalogEntry(id.trim()));
  const progress = io.isTTY && !values.json;
  const report = await verifyCatalog(entries, {
    runs,
    timeoutMs,
    onEntry: (c, done, total) => {
      if (progress) io.stderr(`\r[${done}/${total}] ${c.ok ? "ok  " : "FAIL"} ${c.id}`.padEnd(70) + (done === total ? "\n" : ""));
    },
  });
  if (values.json) {
    io.stdout(
      JSON.stringify({ ok: report.ok, runs: report.runs, unexpected: report.unexpected, entries: report.entries.map(checkJson) }) + "\n",
    );
  } else {
    const width = Math.max(...report.entries.map((c) => c.id.length));
    io.stdout(`Catalog: ${report.entries.length} entries, ${runs} runs per side\n`);
    for (const c of report.entries) {
      const v = c.verdict;
      io.stdout(
        `${c.ok ? "ok  " : "FAIL"} ${c.id.padEnd(width)}  ${c.kind.padEnd(12)} expected ${c.expected.padEnd(7)} got ${v.verdict.padEnd(7)} ` +
          `buggy ${v.buggyFailures}/${v.buggy.runs} fixed ${v.fixedFailures}/${v.fixed.runs}  ${v.reason}\n`,
      );
    }
    io.stdout(
      report.ok
        ? "Every reference pair is valid and every false friend invalid.\n"
        : `Unexpected verdicts: ${report.unexpected.join(", ")}\n`,
    );
  }
  return report.ok ? EXIT_OK : EXIT_FAILURE;
}

function readSource(path: string, option: string): string {
  try {
    if (!statSync(path).isFile()) throw new PathError("EISDIR", `--${option} ${path} is not a file.`);
    return readFileSync(path, "utf8");
  } catch (err) {
    if (err instanceof PathError) throw err;
    const known = userPathError(err);
    if (!known) throw err;
    throw new PathError(known.code, `cannot read --${option} ${path}: ${known.code === "ENOENT" ? "no such file" : known.message}.`);
  }
}

function pairJson(v: PairVerdict) {
  const side = (s: PairVerdict["buggy"]) => ({
    runs: s.runs,
    failures: s.failures,
    failureRate: s.failureRate,
    problem: s.problem,
    outcomes: s.outcomes,
  });
  return {
    ...verdictCounts(v),
    reasons: v.reasons,
    buggy: side(v.buggy),
    fixed: side(v.fixed),
    durationMs: v.durationMs,
  };
}

function checkJson(c: CatalogCheck) {
  return {
    id: c.id,
    kind: c.kind,
    category: c.category,
    expected: c.expected,
    ok: c.ok,
    ...verdictCounts(c.verdict),
  };
}

/** The verdict and its counts, as both the pair and the catalog JSON give them. */
function verdictCounts(v: PairVerdict) {
  return {
    verdict: v.verdict,
    reason: v.reason,
    code: v.code,
    runs: v.runs,
    buggyFailures: v.buggyFailures,
    fixedFailures: v.fixedFailures,
    buggyFailureRate: v.buggyFailureRate,
    fixedFailureRate: v.fixedFailureRate,
  };
}

function pairText(v: PairVerdict): string {
  const rate = (n: number, of: number) => (of ? ` of ${of} (${Math.round((100 * n) / of)}%)` : "");
  const lines = [
    `verdict: ${v.verdict}`,
    `reason: ${v.reason}`,
    `runs: ${v.runs}`,
    `buggyFailures: ${v.buggyFailures}${rate(v.buggyFailures, v.buggy.runs)}`,
    `fixedFailures: ${v.fixedFailures}${rate(v.fixedFailures, v.fixed.runs)}`,
  ];
  for (const s of [v.buggy, v.fixed]) {
    const first = s.outcomes.find((o) => !o.passed);
    if (first?.detail) lines.push(`first ${s.side} failure (run ${first.run}): ${first.detail}`);
  }
  return lines.join("\n") + "\n";
}
