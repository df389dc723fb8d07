// OS isolation of worker VMs: a scrubbed environment, a private temporary
// working directory, resource limits (prlimit), no network (a fresh network
// namespace via `unshare -n`) and, when Node runs as root, an unprivileged
// user (setpriv). Each layer is probed once; a layer the host does not allow
// is skipped with a one-time notice.
import { spawnSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

const NOBODY = 65534;

export interface IsolationPlan {
  /** Command prefix put before `erl ...`. */
  prefix: string[];
  network: boolean;
  dropPrivileges: boolean;
  limits: boolean;
  notices: string[];
}

/** What the host offers; tests pass a fake to check the fallbacks. */
export interface HostProbe {
  which(cmd: string): string | undefined;
  works(cmd: string[]): boolean;
  isRoot: boolean;
}

function which(cmd: string): string | undefined {
  for (const dir of ["/usr/bin", "/bin", "/usr/sbin", "/sbin", "/usr/local/bin"]) {
    if (existsSync(join(dir, cmd))) return join(dir, cmd);
  }
  return undefined;
}

function works(cmd: string[]): boolean {
  const r = spawnSync(cmd[0]!, [...cmd.slice(1), "/bin/true"], { stdio: "ignore", timeout: 10_000 });
  return r.status === 0;
}

const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
const host: HostProbe = { which, works, isRoot };

// Resource limits of a worker OS process: no core dumps, bounded file writes,
// open files, address space and (as the unprivileged user) processes.
const RLIMITS = ["--core=0", `--fsize=${64 * 1024 * 1024}`, "--nofile=1024", `--as=${4 * 1024 * 1024 * 1024}`];

const cachedPlans = new Map<string, IsolationPlan>();

export function isolationPlan(want: { network?: boolean; dropPrivileges?: boolean } = {}, probe: HostProbe = host): IsolationPlan {
  const key = `${want.network !== false}/${want.dropPrivileges !== false}`;
  const hit = probe === host ? cachedPlans.get(key) : undefined;
  if (hit) return hit;
  const { which, works, isRoot } = probe;
  const notices: string[] = [];
  const prefix: string[] = [];

  const prlimit = which("prlimit");
  const setpriv = which("setpriv");
  const unshare = which("unshare");
  const drop = want.dropPrivileges !== false && isRoot && !!setpriv && works([setpriv, `--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups"]);
  let limits = false;
  if (prlimit) {
    const rl = drop ? [...RLIMITS, "--nproc=4096"] : RLIMITS;
    if (works([prlimit, ...rl, "--"])) {
      prefix.push(prlimit, ...rl, "--");
      limits = true;
    }
  }
  if (!limits) notices.push("otpforge: `prlimit` is unavailable, so BEAM workers run without OS resource limits (in-VM limits still apply).");

  let network = false;
  if (want.network !== false) {
    const ns = unshare ? (isRoot ? [unshare, "-n"] : [unshare, "-r", "-n"]) : undefined;
    if (ns && works(ns)) {
      prefix.push(...ns);
      network = true;
    } else {
      notices.push("otpforge: this host does not allow a private network namespace (`unshare -n` failed), so BEAM workers share the host's network; the static policy still refuses network calls.");
    }
  }
  if (drop) prefix.push(setpriv!, `--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups");
  const plan = { prefix, network, dropPrivileges: drop, limits, notices };
  if (probe === host) cachedPlans.set(key, plan);
  return plan;
}

/** Only what a VM needs: no API keys, tokens or anything else of the parent's environment. */
export function scrubbedEnv(erl: string, home: string): NodeJS.ProcessEnv {
  return {
    PATH: `${dirname(erl)}:/usr/bin:/bin`,
    HOME: home,
    TMPDIR: home,
    LANG: "C.UTF-8",
    LC_ALL: "C.UTF-8",
    // A dying VM must not spend seconds writing a crash dump.
    ERL_CRASH_DUMP_SECONDS: "0",
  };
}

/** A fresh private working directory for one worker (owned by the worker's user). */
export function privateDir(plan: IsolationPlan): string {
  const dir = mkdtempSync(join(tmpdir(), "otpforge-worker-"));
  if (plan.dropPrivileges) chownSync(dir, NOBODY, NOBODY);
  return dir;
}

/** Workers running as another user must be able to read the compiled worker. */
export function shareReadOnly(dir: string): void {
  try {
    chmodSync(dir, 0o755);
  } catch {
    // not ours to change: it was readable already or the start will say so
  }
}
