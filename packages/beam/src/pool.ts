// The pool: N warm worker VMs, a FIFO queue of jobs, verdicts for jobs whose
// worker died or hung.
//
// Tenancy (DESIGN.md, "Running untrusted Elixir"): a VM never outlives its
// tenant. Untrusted code runs in a VM that has run nothing untrusted before and
// is discarded after its submission (one job, or the K runs of a `submission()`);
// a fresh VM boots in the background to take its place. Trusted jobs (the
// project's own code) run on VMs that have never seen untrusted code and are
// kept until they break a limit, are left unclean, or ran their quota of jobs.
import { realpathSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname } from "node:path";
import { buildWorker } from "./build.js";
import { buildPreloads, type BuiltPreload } from "./preload.js";
import { findElixir, type ElixirInstall } from "./elixir.js";
import { IsolationUnavailableError, PoolClosedError } from "./errors.js";
import { isolationPlan, shareReadOnly, type IsolationPlan } from "./isolation.js";
import { toJobResult, validateJob, verdictForCompromisedWorker, verdictForDeadWorker } from "./results.js";
import type { Job, JobResult, Limits, PolicyResult, PoolOptions, PoolStats, SourceFile, Submission } from "./types.js";
import { Worker, WorkerCompromised, WorkerDied } from "./worker.js";

export const DEFAULT_LIMITS: Required<Limits> = {
  timeoutMs: 10_000,
  maxHeapBytes: 256 * 1024 * 1024,
  maxProcesses: 10_000,
  maxOutputBytes: 1024 * 1024,
  maxMemoryBytes: 1024 * 1024 * 1024,
};

// A worker whose atom table grew this much is replaced (atoms are never collected),
// and one whose VM kept this much memory after cleanup (allocators hold on to it).
const ATOM_BUDGET = 200_000;
const MEMORY_BUDGET = 512 * 1024 * 1024;

const noticed = new Set<string>();

type Task = {
  run: (w: Worker) => Promise<void>;
  fail: (e: Error) => void;
};

export interface Pool {
  /** Number of worker VMs. */
  readonly size: number;
  /** Names of the preloads every VM of this pool has loaded (PoolOptions.preload). */
  readonly preloads: readonly string[];
  /** One job. Untrusted: in a fresh VM that is discarded afterwards. Trusted: on a long-lived trusted VM. */
  run(job: Job): Promise<JobResult>;
  /**
   * One submission of untrusted code (e.g. a program and its K runs): its jobs
   * run one after another in one fresh VM, discarded at `close()`. Always close it.
   */
  submission(): Submission;
  /** The static policy on one source (or several files of one job), without running anything. */
  checkPolicy(source: string | SourceFile[]): Promise<PolicyResult>;
  stats(): PoolStats;
  /** OS process ids of the live worker VMs (diagnostics; tests check none outlives close()). */
  osPids(): number[];
  /** Kills every worker; resolves when no OS process of the pool is left. */
  close(): Promise<void>;
}

export async function createPool(options: PoolOptions = {}): Promise<Pool> {
  const install = await findElixir();
  const workerDir = await buildWorker(install);
  const preloads = await buildPreloads(install, workerDir, options.preload ?? []);
  // OTPFORGE_UNSAFE_NO_ISOLATION=1 is how the CLI's --unsafe-no-isolation reaches every pool.
  const unsafe = options.isolation?.unsafeNoIsolation ?? process.env.OTPFORGE_UNSAFE_NO_ISOLATION === "1";
  // OTPFORGE_SANDBOX=off: no bubblewrap (then untrusted code is refused unless unsafe).
  const sandbox = options.isolation?.sandbox ?? process.env.OTPFORGE_SANDBOX !== "off";
  const plan = isolationPlan(
    { ...options.isolation, sandbox, unsafeNoIsolation: unsafe },
    readOnlyPaths(install, [workerDir, ...preloads.map((p) => p.dir)]),
  );
  if (plan.dropPrivileges) for (const dir of [workerDir, ...preloads.map((p) => p.dir)]) shareReadOnly(dir);
  const notify = options.onNotice ?? ((m: string) => process.stderr.write(`${m}\n`));
  for (const n of plan.notices) {
    if (!noticed.has(n)) {
      noticed.add(n);
      notify(n);
    }
  }
  const pool = new BeamPool(install, workerDir, plan, options, preloads);
  await pool.start();
  return pool;
}

class BeamPool implements Pool {
  readonly size: number;
  readonly preloads: readonly string[];
  private idle: Worker[] = [];
  private all = new Set<Worker>();
  private starting = 0;
  private queue: Task[] = [];
  private closed = false;
  private counters = { jobsRun: 0, workersStarted: 0, workersReplaced: 0, submissions: 0 };
  private readonly maxJobs: number;
  private readonly limits: Required<Limits>;
  private readonly graceMs: number;
  private lastStartError: Error | undefined;
  private kills = new Set<Promise<unknown>>();

  constructor(
    private install: ElixirInstall,
    private workerDir: string,
    private plan: IsolationPlan,
    options: PoolOptions,
    private built: readonly BuiltPreload[] = [],
  ) {
    this.preloads = built.map((p) => p.name);
    this.size = Math.max(1, Math.floor(options.size ?? availableParallelism()));
    this.maxJobs = Math.max(1, options.maxJobsPerWorker ?? 500);
    this.limits = { ...DEFAULT_LIMITS, ...definedOnly(options.defaultLimits ?? {}) };
    this.graceMs = options.graceMs ?? 5000;
  }

  async start(): Promise<void> {
    const results = await Promise.allSettled(
      Array.from({ length: this.size }, () => Worker.start(this.install, this.workerDir, this.plan, this.built)),
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    const started = results.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
    if (failed) {
      await Promise.all(started.map((w) => w.kill()));
      throw failed.reason;
    }
    for (const w of started) this.adopt(w);
  }

  private adopt(w: Worker) {
    this.counters.workersStarted++;
    this.all.add(w);
    this.release(w);
  }

  stats(): PoolStats {
    return { size: this.size, busy: this.all.size - this.idle.length, queued: this.queue.length, ...this.counters };
  }

  osPids(): number[] {
    return [...this.all].flatMap((w) => (w.alive && w.pid !== undefined ? [w.pid] : []));
  }

  run(job: Job): Promise<JobResult> {
    if (this.closed) return Promise.reject(new PoolClosedError());
    try {
      validateJob(job);
    } catch (e) {
      return Promise.reject(e as Error);
    }
    if (!job.trusted) {
      const s = this.submission();
      return s.run(job).finally(() => s.close());
    }
    const { request, limits } = this.prepare(job);
    return new Promise<JobResult>((resolve, reject) => {
      this.enqueue({
        fail: reject,
        run: async (w) => {
          resolve(await this.runOn(w, request, limits, "trusted"));
        },
      });
    });
  }

  submission(): Submission {
    this.counters.submissions++;
    return new TenantSubmission(this);
  }

  /** @internal The request a worker gets for a job, with the pool's default limits filled in. */
  prepare(job: Job): { request: { op: string; job: Record<string, unknown> }; limits: Required<Limits> } {
    const limits = { ...this.limits, ...definedOnly(job.limits ?? {}) };
    const request = {
      op: "run",
      job: {
        files: job.files ?? [],
        script: job.script ?? null,
        call: job.call ?? null,
        limits,
        trusted: !!job.trusted,
        ...(job.explore ? { explore: job.explore } : {}),
      },
    };
    return { request, limits };
  }

  /** @internal Why untrusted code may not run here, if it may not. */
  get untrustedRefusal(): string | undefined {
    return this.plan.untrustedRefusal;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** @internal A fresh idle VM, taken out of the pool for one tenant (give it back with discard). */
  acquire(): Promise<Worker> {
    if (this.closed) return Promise.reject(new PoolClosedError());
    return new Promise<Worker>((resolve, reject) => {
      this.enqueue({ fail: reject, run: async (w) => resolve(w) });
    });
  }

  /** @internal A tenant's VM is never reused: kill it and boot a fresh one in its place. */
  discard(w: Worker): void {
    this.replace(w);
  }

  checkPolicy(source: string | SourceFile[]): Promise<PolicyResult> {
    if (this.closed) return Promise.reject(new PoolClosedError());
    const sources = typeof source === "string" ? [{ name: "source.ex", source }] : source;
    return new Promise<PolicyResult>((resolve, reject) => {
      this.enqueue({
        fail: reject,
        run: async (w) => {
          try {
            const reply = await w.request({ op: "policy", sources });
            const r = reply.result as { ok: boolean; violations?: Array<{ message: string; line: number; file?: string }> };
            this.afterJob(w, reply);
            resolve(r.ok ? { ok: true } : { ok: false, violations: r.violations ?? [] });
          } catch (e) {
            this.replace(w);
            if (e instanceof WorkerDied) this.checkPolicy(source).then(resolve, reject);
            else reject(e as Error);
          }
        },
      });
    });
  }

  /** @internal */
  async runOn(
    w: Worker,
    request: { op: string; job: Record<string, unknown> },
    limits: Required<Limits>,
    mode: "trusted" | "tenant",
  ): Promise<JobResult> {
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    let hung = false;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        hung = true;
        w.killNow();
        reject(new Error("hung"));
      }, limits.timeoutMs + this.graceMs);
    });
    try {
      const reply = await Promise.race([w.request(request), deadline]);
      this.counters.jobsRun++;
      const raw = reply.result as Record<string, unknown>;
      if (mode === "trusted") this.afterJob(w, raw);
      else w.jobs++;
      return { ...toJobResult(raw), vm: w.id };
    } catch (e) {
      this.counters.jobsRun++;
      this.replace(w);
      if (this.closed) throw new PoolClosedError();
      const durationMs = performance.now() - started;
      if (hung) {
        return {
          status: "timeout",
          message: `the worker did not answer within ${limits.timeoutMs} ms (limits.timeoutMs) plus ${this.graceMs} ms of grace; it was killed and replaced`,
          stdout: "",
          stderr: w.printed,
          durationMs,
        };
      }
      if (e instanceof WorkerCompromised) return { ...verdictForCompromisedWorker(e, w.printed, durationMs), vm: w.id };
      // A VM that dies under untrusted code was stopped by that code (halt,
      // killing a runtime process): its own verdict, never worth a retry.
      if (e instanceof WorkerDied) return { ...verdictForDeadWorker(e.exit, durationMs, mode === "tenant"), vm: w.id };
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }

  // Health reported by the worker after cleanup decides whether it stays.
  private afterJob(w: Worker, raw: Record<string, unknown>) {
    const health = (raw.health ?? {}) as { clean?: boolean; atoms?: number; memory?: number };
    w.jobs++;
    if (w.atoms === 0 && typeof health.atoms === "number") w.atoms = health.atoms;
    const atomGrowth = typeof health.atoms === "number" ? health.atoms - w.atoms : 0;
    const bloated = typeof health.memory === "number" && health.memory > MEMORY_BUDGET;
    if (health.clean === false || w.jobs >= this.maxJobs || atomGrowth > ATOM_BUDGET || bloated) this.replace(w);
    else this.release(w);
  }

  private enqueue(task: Task) {
    this.queue.push(task);
    this.pump();
  }

  private pump() {
    while (!this.closed && this.queue.length && this.idle.length) {
      const w = this.idle.shift()!;
      const task = this.queue.shift()!;
      task.run(w).catch((e: Error) => task.fail(e));
    }
    if (!this.closed && this.queue.length && this.all.size + this.starting === 0 && this.lastStartError) {
      const err = this.lastStartError;
      for (const t of this.queue.splice(0)) t.fail(err);
    }
  }

  private release(w: Worker) {
    if (this.closed || !w.alive) return;
    this.idle.push(w);
    this.pump();
  }

  private replace(w: Worker) {
    if (!this.all.has(w)) return;
    this.all.delete(w);
    this.idle = this.idle.filter((x) => x !== w);
    this.track(w.kill());
    if (this.closed) return;
    this.counters.workersReplaced++;
    this.starting++;
    Worker.start(this.install, this.workerDir, this.plan, this.built).then(
      (nw) => {
        this.starting--;
        if (this.closed) this.track(nw.kill());
        else this.adopt(nw);
      },
      (e: Error) => {
        this.starting--;
        this.lastStartError = e;
        this.pump();
      },
    );
  }

  private track(p: Promise<unknown>) {
    this.kills.add(p);
    void p.finally(() => this.kills.delete(p));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.queue.splice(0)) t.fail(new PoolClosedError());
    const workers = [...this.all];
    this.all.clear();
    this.idle = [];
    await Promise.all(workers.map((w) => w.kill()));
    // Replacements still starting are killed as they arrive.
    while (this.starting > 0) await new Promise((r) => setTimeout(r, 20));
    await Promise.all([...this.kills]);
  }
}

/**
 * One tenant: its jobs run in order on one VM taken fresh from the pool; at
 * close the VM is discarded. If the VM dies (or is found compromised) during a
 * job, the next job of the submission gets another fresh VM.
 */
class TenantSubmission implements Submission {
  private worker: Worker | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  private done = false;

  constructor(private pool: BeamPool) {}

  run(job: Job): Promise<JobResult> {
    if (this.done) return Promise.reject(new PoolClosedError("this submission is closed; start another with pool.submission()"));
    if (this.pool.isClosed) return Promise.reject(new PoolClosedError());
    try {
      validateJob(job);
    } catch (e) {
      return Promise.reject(e as Error);
    }
    const refusal = this.pool.untrustedRefusal;
    if (refusal && !job.trusted) return Promise.reject(new IsolationUnavailableError(refusal));
    const { request, limits } = this.pool.prepare(job);
    const next = this.chain.then(async () => {
      if (!this.worker?.alive) this.worker = await this.pool.acquire();
      return this.pool.runOn(this.worker, request, limits, "tenant");
    });
    this.chain = next.catch(() => undefined);
    return next;
  }

  async close(): Promise<void> {
    if (this.done) return;
    this.done = true;
    await this.chain;
    if (this.worker) this.pool.discard(this.worker);
    this.worker = undefined;
  }
}

/** What a sandboxed VM must be able to read: the Erlang and Elixir installs, the compiled worker and preloads. */
function readOnlyPaths(install: ElixirInstall, codeDirs: string[]): string[] {
  const erlRoot = dirname(dirname(realpathSync(install.erl)));
  const ebins = install.ebins.map((e) => realpathSync(e));
  return [...new Set([erlRoot, ...ebins, ...codeDirs.map((d) => realpathSync(d))])];
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
