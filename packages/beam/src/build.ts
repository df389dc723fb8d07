// Compiles the worker's Elixir sources (priv/worker/*.ex) once per Elixir
// version into a cache directory of .beam files that every worker loads.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ElixirInstall } from "./elixir.js";
import { WorkerBuildError } from "./errors.js";

export const PRIV_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "priv", "worker");

function workerSources(): string[] {
  return readdirSync(PRIV_DIR)
    .filter((f) => f.endsWith(".ex"))
    .sort()
    .map((f) => join(PRIV_DIR, f));
}

/** @internal */
export function cacheRoot(): string {
  return userCacheRoot();
}

/** A cache root only this user can write (workers may run as another user: it must stay readable). */
function userCacheRoot(): string {
  const uid = typeof process.getuid === "function" ? process.getuid() : 0;
  const root = join(tmpdir(), `otpforge-beam-${uid}`);
  try {
    mkdirSync(root, { recursive: true, mode: 0o755 });
    const st = lstatSync(root);
    if (st.isDirectory() && !st.isSymbolicLink() && st.uid === uid && (st.mode & 0o022) === 0) return root;
  } catch {
    // fall through to a private directory
  }
  return mkdtempSync(join(tmpdir(), "otpforge-beam-"));
}

const builds = new Map<string, Promise<string>>();

/** The directory of compiled worker modules for this Elixir (built on first use). */
export function buildWorker(install: ElixirInstall): Promise<string> {
  const sources = workerSources();
  const hash = createHash("sha256");
  hash.update(`${install.elixirVersion}\0${install.otpRelease}\0`);
  for (const f of sources) hash.update(readFileSync(f));
  const key = hash.digest("hex").slice(0, 16);
  let p = builds.get(key);
  if (!p) {
    p = compile(install, sources, key);
    builds.set(key, p);
    p.catch(() => builds.delete(key));
  }
  return p;
}

async function compile(install: ElixirInstall, sources: string[], key: string): Promise<string> {
  const root = userCacheRoot();
  const final = join(root, key);
  if (existsSync(join(final, "Elixir.OtpForge.Worker.beam"))) return final;
  const tmp = mkdtempSync(join(root, `${key}.tmp-`));
  const elixirc = join(dirname(install.elixir), "elixirc");
  await new Promise<void>((resolve, reject) => {
    execFile(
      existsSync(elixirc) ? elixirc : "elixirc",
      ["--ignore-module-conflict", "-o", tmp, ...sources],
      { timeout: 300_000 },
      (err, _stdout, stderr) => {
        if (err) reject(new WorkerBuildError(`${stderr || err.message}`.trim().split("\n").slice(0, 8).join("\n")));
        else resolve();
      },
    );
  }).catch((e) => {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  });
  try {
    renameSync(tmp, final);
  } catch {
    // Another process built the same version first: use theirs.
    rmSync(tmp, { recursive: true, force: true });
  }
  if (!existsSync(join(final, "Elixir.OtpForge.Worker.beam"))) throw new WorkerBuildError(`no worker modules in ${final}`);
  return final;
}
