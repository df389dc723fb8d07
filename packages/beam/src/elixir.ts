// Finds Elixir and Erlang, checks their versions, and learns the paths a
// worker VM needs (it runs `erl` directly with Elixir's ebin on the code path,
// which starts faster than the `elixir` script).
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import { ElixirNotFoundError } from "./errors.js";

export interface ElixirInstall {
  elixir: string;
  erl: string;
  elixirVersion: string;
  otpRelease: string;
  /** ebin directories of the elixir and logger applications. */
  ebins: string[];
}

const MIN_ELIXIR = [1, 14];
const MIN_OTP = 25;

const PROBE = [
  "IO.puts(System.version())",
  "IO.puts(System.otp_release())",
  "IO.puts(:code.lib_dir(:elixir, :ebin))",
  "IO.puts(:code.lib_dir(:logger, :ebin))",
  "IO.puts(:code.root_dir())",
].join("; ");

function onPath(cmd: string, env: NodeJS.ProcessEnv): string | undefined {
  if (cmd.includes("/")) return existsSync(cmd) ? cmd : undefined;
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    if (dir && existsSync(join(dir, cmd))) return join(dir, cmd);
  }
  return undefined;
}

function run(cmd: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: 60_000, encoding: "utf8" }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === "number" ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout, stderr: stderr || (err ? err.message : "") });
    });
  });
}

function atLeast(version: string, min: number[]): boolean {
  const parts = version.split(/[.-]/).map((p) => Number.parseInt(p, 10));
  for (let i = 0; i < min.length; i++) {
    const v = parts[i] ?? 0;
    if (v > min[i]) return true;
    if (v < min[i]) return false;
  }
  return true;
}

const cache = new Map<string, Promise<ElixirInstall>>();

/**
 * Locates `elixir` (OTPFORGE_ELIXIR, else PATH) and `erl`, checks Elixir >= 1.14
 * on OTP >= 25. Throws ElixirNotFoundError with the install command otherwise.
 * The answer is cached for the process.
 */
export function findElixir(env: NodeJS.ProcessEnv = process.env): Promise<ElixirInstall> {
  const key = `${env.OTPFORGE_ELIXIR ?? ""}\0${env.PATH ?? ""}`;
  let p = cache.get(key);
  if (!p) {
    p = probe(env);
    cache.set(key, p);
    p.catch(() => cache.delete(key));
  }
  return p;
}

async function probe(env: NodeJS.ProcessEnv): Promise<ElixirInstall> {
  const wanted = env.OTPFORGE_ELIXIR || "elixir";
  const elixir = onPath(wanted, env);
  if (!elixir)
    throw new ElixirNotFoundError(env.OTPFORGE_ELIXIR ? `OTPFORGE_ELIXIR=${wanted} does not exist.` : "`elixir` was not found on PATH.");
  const r = await run(elixir, ["-e", PROBE]);
  if (r.code !== 0) throw new ElixirNotFoundError(`\`${elixir}\` did not run (exit ${r.code}): ${r.stderr.trim().split("\n")[0] ?? ""}.`);
  const [elixirVersion, otpRelease, elixirEbin, loggerEbin, rootDir] = r.stdout
    .trim()
    .split("\n")
    .map((l) => l.trim());
  if (!atLeast(elixirVersion ?? "", MIN_ELIXIR)) throw new ElixirNotFoundError(`Elixir ${elixirVersion} is too old.`);
  if (Number.parseInt(otpRelease ?? "0", 10) < MIN_OTP) throw new ElixirNotFoundError(`Erlang/OTP ${otpRelease} is too old.`);
  const erlCandidates = [join(rootDir ?? "", "bin", "erl"), join(dirname(elixir), "erl"), onPath("erl", env)].filter(
    (p): p is string => !!p,
  );
  const erl = erlCandidates.find((p) => existsSync(p));
  if (!erl) throw new ElixirNotFoundError("`erl` (Erlang) was not found next to Elixir.");
  return { elixir, erl, elixirVersion: elixirVersion!, otpRelease: otpRelease!, ebins: [elixirEbin!, loggerEbin!] };
}
