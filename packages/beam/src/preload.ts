// Preloads: trusted Elixir modules a pool gives every job (createPool({ preload })). Each is
// compiled once per source hash (and worker build) into a cache directory of .beam files beside
// the worker's own, put on every worker VM's code path and loaded when the VM boots, so jobs call
// them without shipping source or binaries. The Elixir side, and why there are two kinds, is
// priv/worker/preload.ex: a "sandboxed" preload must pass the sandbox policy and is compiled the
// way job code is (guarded calls rewritten), so it is exactly as powerful as job code and every
// job may call it; a "trusted" one is compiled as written and only trusted jobs may call it.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { cacheRoot } from "./build.js";
import type { ElixirInstall } from "./elixir.js";
import { PreloadRefusedError, WorkerBuildError } from "./errors.js";
import type { SourceFile } from "./types.js";

/** Project code for every VM of a pool. It is compiled by `elixir` on the host, outside the sandbox: never build one from model output. */
export interface Preload {
  /** Names the preload in messages and in a pool's `preloads` (how a package tells its preload is there). */
  name: string;
  /** `.ex` sources that define modules only (no top-level code). */
  files: SourceFile[];
  /**
   * "sandboxed" (default): checked by the sandbox policy when built (refused with
   * PreloadRefusedError if it breaks it) and callable by every job. "trusted": compiled as written,
   * callable by trusted jobs only; untrusted code can neither call nor define it.
   */
  access?: "sandboxed" | "trusted";
}

export interface BuiltPreload {
  name: string;
  access: "sandboxed" | "trusted";
  dir: string;
  /** Module names as Elixir writes them (OtpForge.DesignProbe). */
  modules: string[];
}

const builds = new Map<string, Promise<BuiltPreload>>();

/** Builds (or finds in the cache) every preload; refuses two that define the same module. */
export async function buildPreloads(install: ElixirInstall, workerDir: string, preloads: readonly Preload[]): Promise<BuiltPreload[]> {
  const built = await Promise.all(preloads.map((p) => buildPreload(install, workerDir, p)));
  const owner = new Map<string, string>();
  for (const b of built) {
    for (const m of b.modules) {
      const other = owner.get(m);
      if (other !== undefined) throw new PreloadRefusedError(b.name, [`${m} is defined by the preload "${other}" too`]);
      owner.set(m, b.name);
    }
  }
  return built;
}

function buildPreload(install: ElixirInstall, workerDir: string, preload: Preload): Promise<BuiltPreload> {
  const access = preload.access ?? "sandboxed";
  if (access !== "sandboxed" && access !== "trusted")
    throw new PreloadRefusedError(preload.name, [`access must be "sandboxed" or "trusted", not ${JSON.stringify(access)}`]);
  if (!preload.files.length) throw new PreloadRefusedError(preload.name, ["it has no files"]);
  const hash = createHash("sha256");
  // The worker's build key is its directory's name: a new policy rebuilds every sandboxed preload.
  hash.update(`${basename(workerDir)}\0${access}\0`);
  for (const f of preload.files) hash.update(`${f.name}\0${f.source}\0`);
  const key = `preload-${hash.digest("hex").slice(0, 16)}`;
  let p = builds.get(key);
  if (!p) {
    p = compile(install, workerDir, preload, access, key);
    builds.set(key, p);
    p.catch(() => builds.delete(key));
  }
  return p;
}

function modulesIn(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".beam"))
    .map((f) => f.slice(0, -".beam".length).replace(/^Elixir\./, ""))
    .sort();
}

async function compile(
  install: ElixirInstall,
  workerDir: string,
  preload: Preload,
  access: "sandboxed" | "trusted",
  key: string,
): Promise<BuiltPreload> {
  const root = cacheRoot();
  const final = join(root, key);
  const done = (): BuiltPreload => ({ name: preload.name, access, dir: final, modules: modulesIn(final) });
  if (existsSync(final)) return done();
  const out = mkdtempSync(join(root, `${key}.tmp-`));
  const src = mkdtempSync(join(root, `${key}.src-`));
  try {
    // One folder per file keeps the names as given (they are what refusals and stack traces show).
    const files = preload.files.map((f, i) => {
      if (!/^[\w.-]+\.exs?$/.test(f.name))
        throw new PreloadRefusedError(preload.name, [`file name ${JSON.stringify(f.name)} is not a plain .ex name`]);
      const dir = join(src, String(i));
      mkdirSync(dir);
      writeFileSync(join(dir, f.name), f.source);
      return join(dir, f.name);
    });
    const elixir = install.elixir;
    const args = ["-pa", workerDir, "-e", "OtpForge.Preload.build(System.argv())", access, out, ...files];
    const refused = await new Promise<string[] | undefined>((resolve, reject) => {
      execFile(elixir, args, { timeout: 300_000 }, (err, stdout, stderr) => {
        const lines = `${stdout}`.split("\n").filter((l) => l.startsWith("refused: "));
        if (lines.length) resolve(lines.map((l) => l.slice("refused: ".length)));
        else if (err)
          reject(
            new WorkerBuildError(`preload "${preload.name}": ${`${stderr || err.message}`.trim().split("\n").slice(0, 8).join("\n")}`),
          );
        else resolve(undefined);
      });
    });
    if (refused) throw new PreloadRefusedError(preload.name, refused);
    if (modulesIn(out).length === 0) throw new PreloadRefusedError(preload.name, ["it defines no module"]);
    try {
      renameSync(out, final);
    } catch {
      // Another process built the same preload first: use theirs, drop our own temporary output.
      rmSync(out, { recursive: true, force: true });
    }
    return done();
  } finally {
    // Both are the mkdtemp folders made above for this build (unique names in the cache): the
    // sources written for the compiler, and the output when it was not renamed into place.
    rmSync(src, { recursive: true, force: true });
    if (existsSync(out)) rmSync(out, { recursive: true, force: true });
  }
}
