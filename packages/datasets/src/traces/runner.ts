// How world jobs reach a BEAM: through @otpforge/beam's pool (the normal way),
// or a plain `elixir` subprocess (what replay scripts use; also handy without a pool).
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { jsonCodecSource, type JobRunner } from "@otpforge/beam";

export interface ElixirJob {
  /** .ex sources compiled before the script. */
  files: Array<{ name: string; source: string }>;
  /** Elixir whose last expression is a binary: the job's result. */
  script: string;
  timeoutMs: number;
}

export type ElixirJobResult = { ok: true; value: string } | { ok: false; message: string };

/** A trusted job whose controlled files the explorer schedules (see @otpforge/beam's ExploreJobOptions.controlled). */
export interface ElixirExploreJob extends ElixirJob {
  controlled: string[];
  maxSchedules: number;
  maxSteps: number;
}

export interface ElixirRunner {
  run(job: ElixirJob): Promise<ElixirJobResult>;
  /** Explores every interleaving of the job (the BEAM pool can; a plain `elixir` cannot): the explorer's result as JSON. */
  explore?(job: ElixirExploreJob): Promise<{ ok: true; value: unknown } | { ok: false; message: string }>;
  /** How many jobs it runs at once (the generator keeps that many in flight). */
  readonly parallelism: number;
  /** The BEAM pool behind it, if any: concurrent worlds are explored on it. */
  readonly pool?: JobRunner;
}

/** Jobs through the sandbox pool. World code is project-generated, hence `trusted`. */
export function poolRunner(pool: JobRunner, parallelism = pool.size ?? 2): ElixirRunner {
  return {
    parallelism,
    pool,
    async run(job) {
      const r = await pool.run({ files: job.files, script: job.script, trusted: true, limits: { timeoutMs: job.timeoutMs } });
      if (r.status !== "ok") return { ok: false, message: `${r.status}: ${r.message ?? "no message"}` };
      if (typeof r.valueJson === "string") return { ok: true, value: r.valueJson };
      return { ok: false, message: `the job returned ${r.value ?? "no value"}, expected a JSON string` };
    },
    async explore(job) {
      const { controlled, maxSchedules, maxSteps } = job;
      const r = await pool.run({
        files: job.files,
        script: job.script,
        trusted: true,
        explore: { controlled, maxSchedules, maxSteps },
        limits: { timeoutMs: job.timeoutMs },
      });
      if (r.status !== "ok") return { ok: false, message: `${r.status}: ${r.message ?? "no message"}` };
      if (r.valueJson && typeof r.valueJson === "object") return { ok: true, value: r.valueJson };
      return { ok: false, message: `the exploration returned ${r.value ?? "no value"}, expected its result` };
    },
  };
}

const RESULT_MARK = "@@otpforge-result@@";

/**
 * Runs `elixir` on one script file per job. Slower to start than the pool, but
 * needs nothing else: each script first compiles what a worker would offer its
 * jobs (the worker's JSON codec).
 */
export function localElixirRunner(parallelism = 1, elixir = "elixir"): ElixirRunner {
  return {
    parallelism,
    async run(job) {
      const source = [
        jsonCodecSource().source,
        ...job.files.map((f) => f.source),
        `result = (\n${job.script}\n)`,
        `IO.puts("\\n${RESULT_MARK}" <> result)`,
        "",
      ].join("\n");
      const r = await runElixirSource(source, job.timeoutMs, elixir);
      if (r.code !== 0) return { ok: false, message: `elixir exited with ${r.code}: ${lastLines(r.stderr || r.stdout)}` };
      const at = r.stdout.lastIndexOf(RESULT_MARK);
      if (at < 0) return { ok: false, message: `no result in the output: ${lastLines(r.stdout)}` };
      return { ok: true, value: r.stdout.slice(at + RESULT_MARK.length).trim() };
    },
  };
}

export interface ElixirProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** Writes the source to a private temp dir and runs plain `elixir` on it. */
export async function runElixirSource(source: string, timeoutMs: number, elixir = "elixir"): Promise<ElixirProcessResult> {
  const dir = await mkdtemp(join(tmpdir(), "otpforge-exs-"));
  const file = join(dir, "script.exs");
  await writeFile(file, source);
  try {
    return await new Promise((resolve, reject) => {
      const child = spawn(elixir, [file], {
        cwd: dir,
        stdio: ["ignore", "pipe", "pipe"],
        env: { PATH: process.env.PATH ?? "", HOME: dir, LANG: "C.UTF-8" },
      });
      let stdout = "";
      let stderr = "";
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill("SIGKILL");
      }, timeoutMs);
      child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      child.on("error", (err) => {
        clearTimeout(timer);
        reject(new Error(`could not run \`${elixir}\`: ${err.message}. Install Elixir >= 1.14 (see scripts/setup.mjs).`));
      });
      child.on("close", (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr, timedOut });
      });
    });
  } finally {
    // dir is the mkdtemp folder made above for this one run: nothing else is in it.
    await rm(dir, { recursive: true, force: true });
  }
}

function lastLines(text: string, n = 5): string {
  return text.trim().split("\n").slice(-n).join(" | ");
}
