// OS isolation of worker VMs. Every VM gets a scrubbed environment, a private
// working directory and resource limits (prlimit). Around that, a bubblewrap
// sandbox: a file system of its own (the system's /usr and /etc read-only, the
// Erlang/Elixir install and the compiled worker read-only, the private
// directory writable, empty /tmp and /run, no /home, /root or /var), fresh
// network, pid, IPC and UTS namespaces (no network, no host Unix sockets), no
// capabilities. As root the VM also drops to `nobody` before bubblewrap starts,
// so bubblewrap runs unprivileged in a user namespace exactly as it does for a
// normal user on a laptop: one configuration, tested in both modes.
//
// Each layer is probed once. Without the sandbox, untrusted code is refused
// (`untrustedRefusal`) unless the user passed `unsafeNoIsolation`; trusted jobs
// still run, with whatever layers the host allows and a one-time notice.
import { spawnSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, lstatSync, mkdtempSync, readlinkSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

const NOBODY = 65534;

export interface IsolationPlan {
  /** The command put before `erl ...` for a VM whose private directory is `dir`. */
  prefixFor(dir: string): string[];
  /** A bubblewrap sandbox (own file system view, namespaces) wraps every VM. */
  sandbox: boolean;
  network: boolean;
  dropPrivileges: boolean;
  limits: boolean;
  notices: string[];
  /** Set when untrusted code must not run here: why. */
  untrustedRefusal?: string;
}

export interface IsolationWanted {
  network?: boolean;
  dropPrivileges?: boolean;
  /** false: no bubblewrap (tests of the fallback). */
  sandbox?: boolean;
  unsafeNoIsolation?: boolean;
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
// open files, address space and OS processes/threads (a BEAM needs a few dozen).
const RLIMITS = ["--core=0", `--fsize=${64 * 1024 * 1024}`, "--nofile=1024", `--as=${4 * 1024 * 1024 * 1024}`, "--nproc=4096"];

// Top-level directories of the system a VM may see, read-only. /bin, /lib...
// are symlinks into /usr on current Debian; then they are recreated as such.
const SYSTEM_DIRS = ["/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc"];

/** bubblewrap arguments for one VM (everything up to the command). */
export function sandboxArgs(bwrap: string, dir: string, readOnly: readonly string[]): string[] {
  const args = [
    bwrap,
    "--die-with-parent",
    "--new-session",
    "--unshare-user",
    "--unshare-net",
    "--unshare-pid",
    "--unshare-ipc",
    "--unshare-uts",
    "--unshare-cgroup-try",
  ];
  for (const d of SYSTEM_DIRS) {
    let link: string | undefined;
    try {
      if (lstatSync(d).isSymbolicLink()) link = readlinkSync(d);
    } catch {
      continue; // not on this host
    }
    if (link !== undefined) args.push("--symlink", link, d);
    else args.push("--ro-bind", d, d);
  }
  args.push("--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp", "--tmpfs", "/run");
  for (const p of readOnly) {
    if (!SYSTEM_DIRS.some((s) => p === s || p.startsWith(`${s}/`))) args.push("--ro-bind", p, p);
  }
  args.push("--bind", dir, dir, "--chdir", dir, "--cap-drop", "ALL", "--");
  return args;
}

const cachedPlans = new Map<string, IsolationPlan>();

export function isolationPlan(want: IsolationWanted = {}, readOnly: readonly string[] = [], probe: HostProbe = host): IsolationPlan {
  const key = JSON.stringify([want, readOnly]);
  const hit = probe === host ? cachedPlans.get(key) : undefined;
  if (hit) return hit;
  const { which, works, isRoot } = probe;
  const notices: string[] = [];
  const outer: string[] = [];

  const prlimit = which("prlimit");
  const setpriv = which("setpriv");
  const bwrap = want.sandbox === false ? undefined : which("bwrap");
  const drop =
    want.dropPrivileges !== false && isRoot && !!setpriv && works([setpriv, `--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups"]);
  const dropArgs = drop ? [setpriv!, `--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups"] : [];

  let limits = false;
  if (prlimit && works([prlimit, ...RLIMITS, "--"])) {
    outer.push(prlimit, ...RLIMITS, "--");
    limits = true;
  }
  if (!limits)
    notices.push("otpforge: `prlimit` is unavailable, so BEAM workers run without OS resource limits (in-VM limits still apply).");

  // The sandbox is probed as it will run: as the user the VM runs as, with a real directory.
  let sandbox = false;
  if (bwrap) {
    const probeDir = mkdtempSync(join(tmpdir(), "otpforge-probe-"));
    try {
      if (drop) chownSync(probeDir, NOBODY, NOBODY);
      sandbox = works([...outer, ...dropArgs, ...sandboxArgs(bwrap, probeDir, readOnly)]);
    } catch {
      sandbox = false;
    } finally {
      // The empty mkdtemp directory made just above for this probe.
      rmSync(probeDir, { recursive: true, force: true });
    }
  }

  let untrustedRefusal: string | undefined;
  let network = sandbox;
  let prefixFor: (dir: string) => string[];
  if (sandbox) {
    prefixFor = (dir) => [...outer, ...dropArgs, ...sandboxArgs(bwrap!, dir, readOnly)];
  } else {
    const why = !bwrap
      ? want.sandbox === false
        ? "the bubblewrap sandbox was turned off."
        : "bubblewrap (`bwrap`) is not installed."
      : "bubblewrap is installed but cannot create its namespaces on this host (unprivileged user namespaces may be disabled, or this is a restricted container).";
    // Without bubblewrap: at least no network where the host allows a namespace.
    const fallback = [...outer];
    if (want.network !== false) {
      const unshare = which("unshare");
      const ns = unshare ? (isRoot ? [unshare, "-n"] : [unshare, "-r", "-n"]) : undefined;
      if (ns && works(ns)) {
        fallback.push(...ns);
        network = true;
      }
    }
    fallback.push(...dropArgs);
    prefixFor = () => fallback;
    if (want.unsafeNoIsolation) {
      notices.push(`otpforge: running untrusted code WITHOUT the OS sandbox, as asked (--unsafe-no-isolation): ${why}`);
    } else {
      untrustedRefusal = why;
      if (want.sandbox !== false)
        notices.push(
          `otpforge: ${why} Trusted jobs run; untrusted (model-written) code will be refused. Install bubblewrap: \`sudo apt-get install -y bubblewrap\`.`,
        );
    }
  }
  const plan: IsolationPlan = {
    prefixFor,
    sandbox,
    network,
    dropPrivileges: drop,
    limits,
    notices,
    ...(untrustedRefusal ? { untrustedRefusal } : {}),
  };
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
