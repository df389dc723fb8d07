// `otpforge exec FILE...`: each file is one job through the sandbox pool
// (.exs: a script whose value is printed; .ex: compiled only).
import { availableParallelism } from "node:os";
import { basename, resolve } from "node:path";
import { createPool, type Job, type JobResult } from "@otpforge/beam";
import { intOption, MAX_JOB_TIMEOUT_MS, parseVerbArgs } from "../args.js";
import { readInputFile } from "../path-checks.js";
import { EXIT_FAILURE, EXIT_OK, UsageError, type Verb } from "../verb.js";

export const exec: Verb = {
  name: "exec",
  summary: "run Elixir files in the sandboxed BEAM pool and print each verdict",
  help: `Usage: otpforge exec FILE.exs... [--timeout-ms N] [--json]

Runs each file as one job through the sandbox pool: the static policy, then
compile and run with limits, in fresh processes. A .exs file is a script (its
value is printed); a .ex file is compiled only. Prints, per file, its status
(ok, compile_error, runtime_error, policy_violation, timeout, memory_limit,
output_limit, crashed), a one-line message, what it printed and its duration.

Options:
  --timeout-ms N   wall-clock limit of each job (default 10000, at most a day)
  --json           one JSON object per file (JSON lines): file, status,
                   message, stdout, stderr, durationMs, value

Exit codes: 0 every file ok, 1 some file not ok, 2 bad usage or a missing file.

Examples:
  otpforge exec hello.exs
  otpforge exec counter.exs race.exs --timeout-ms 2000 --json`,
  async run(argv, io) {
    const { values, positionals } = parseVerbArgs("exec", argv, { "timeout-ms": { type: "string" } });
    const timeoutMs = intOption(values["timeout-ms"], "timeout-ms", 10_000, 1, MAX_JOB_TIMEOUT_MS);
    if (positionals.length === 0) throw new UsageError("give at least one .exs or .ex file. See `otpforge exec --help`.");
    const inputs = positionals.map((p) => {
      const path = resolve(io.cwd, p);
      return { file: p, path, source: readInputFile(path, "an Elixir file to run") };
    });

    const pool = await createPool({ size: Math.min(inputs.length, availableParallelism()), onNotice: (m) => io.stderr(`${m}\n`) });
    let failed = 0;
    try {
      const jobs = inputs.map(({ path, source }): Job => {
        const limits = { timeoutMs };
        return path.endsWith(".ex") ? { files: [{ name: basename(path), source }], limits } : { script: source, limits };
      });
      // Printed in the order given, as soon as each one (and those before it) is done.
      const results = jobs.map((job) => pool.run(job));
      for (let i = 0; i < inputs.length; i++) {
        const r = await results[i]!;
        if (r.status !== "ok") failed++;
        io.stdout(values.json ? JSON.stringify(line(inputs[i]!.file, r)) + "\n" : text(inputs[i]!.file, r));
      }
    } finally {
      await pool.close();
    }
    return failed ? EXIT_FAILURE : EXIT_OK;
  },
};

function line(file: string, r: JobResult) {
  return {
    file,
    status: r.status,
    message: r.message,
    stdout: r.stdout,
    stderr: r.stderr,
    durationMs: r.durationMs,
    ...(r.value !== undefined ? { value: r.value } : {}),
    // Every violation, not only the one the message names.
    ...(r.violations?.length ? { violations: r.violations } : {}),
  };
}

function text(file: string, r: JobResult): string {
  const head = `${file}: ${r.status} (${r.durationMs.toFixed(0)} ms)${r.status === "ok" ? ` => ${r.value}` : ` — ${r.message}`}\n`;
  const more = (r.violations ?? []).length > 1 ? r.violations!.map((v) => `  - ${v.file ?? file}:${v.line}: ${v.message}\n`).join("") : "";
  const indent = (s: string) =>
    s
      .replace(/\n$/, "")
      .split("\n")
      .map((l) => `  | ${l}`)
      .join("\n") + "\n";
  return head + more + (r.stdout ? indent(r.stdout) : "");
}
