// One worker: an OS process running a BEAM with the project's Elixir worker,
// spoken to over fd 3 with length-prefixed JSON frames.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import type { Duplex } from "node:stream";
import type { ElixirInstall } from "./elixir.js";
import { WorkerStartError } from "./errors.js";
import { encodeFrame, FrameDecoder } from "./frames.js";
import { privateDir, scrubbedEnv, type IsolationPlan } from "./isolation.js";

const START_TIMEOUT_MS = 120_000;
const TAIL_BYTES = 16 * 1024;

export interface WorkerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The end of what the VM printed on stdout/stderr (not the job's captured output). */
  tail: string;
}

/** A built preload's directory of .beam files and its kind (see preload.ts). */
export interface WorkerPreload {
  access: "sandboxed" | "trusted";
  dir: string;
}

type Pending = { nonce: string; resolve: (v: Record<string, unknown>) => void; reject: (e: Error) => void };

export class WorkerDied extends Error {
  constructor(readonly exit: WorkerExit) {
    super(`the worker VM exited (${exit.signal ?? `code ${exit.code}`})`);
  }
}

/**
 * The worker wrote a frame Node did not ask for: no request pending with its
 * id, a wrong nonce, a second answer, garbled bytes. Only code inside the VM
 * can do that, so the VM is not to be trusted any more (it is killed).
 */
export class WorkerCompromised extends Error {
  constructor(readonly detail: string) {
    super(`the worker's result channel received a frame it did not ask for (${detail})`);
  }
}

let nextWorkerId = 1;
const live = new Set<Worker>();

// If Node exits without closing its pools, take the VMs down with it.
process.once("exit", () => {
  for (const w of live) w.killNow();
});

export class Worker {
  readonly id = nextWorkerId++;
  jobs = 0;
  atoms = 0;
  private child: ChildProcess;
  private channel: Duplex;
  private pending = new Map<number, Pending>();
  private nextId = 1;
  private tail = "";
  private dir: string;
  private exitInfo: WorkerExit | undefined;
  private compromise: WorkerCompromised | undefined;
  private isReady = false;
  readonly exited: Promise<WorkerExit>;
  private ready: Promise<void>;

  private constructor(install: ElixirInstall, workerDir: string, plan: IsolationPlan, preloads: readonly WorkerPreload[]) {
    this.dir = privateDir(plan);
    const args = [
      "-noinput",
      "+sbwt",
      "none",
      "+sbwtdcpu",
      "none",
      "+sbwtdio",
      "none",
      "+SDio",
      "2",
      // A spawn bomb hits this before it eats the machine (jobs get limits.maxProcesses, default 10 000).
      "+P",
      "32768",
      ...install.ebins.flatMap((e) => ["-pa", e]),
      "-pa",
      workerDir,
      // Preloads after the worker: OtpForge.Preload.install loads each from its own directory.
      ...preloads.flatMap((p) => ["-pa", p.dir, "-otpforge_preload", p.access, p.dir]),
      "-elixir",
      "ansi_enabled",
      "false",
      "-s",
      "Elixir.OtpForge.Worker",
      "main",
    ];
    const [cmd, ...rest] = [...plan.prefixFor(this.dir), install.erl, ...args];
    this.child = spawn(cmd!, rest, {
      cwd: this.dir,
      env: scrubbedEnv(install.erl, this.dir),
      stdio: ["ignore", "pipe", "pipe", "pipe"],
      detached: true,
    });
    live.add(this);
    this.channel = this.child.stdio[3] as Duplex;
    const keepTail = (chunk: Buffer) => {
      this.tail = (this.tail + chunk.toString("utf8")).slice(-TAIL_BYTES);
    };
    this.child.stdout!.on("data", keepTail);
    this.child.stderr!.on("data", keepTail);
    this.channel.on("error", () => {});

    let readyResolve!: () => void;
    let readyReject!: (e: Error) => void;
    this.ready = new Promise<void>((res, rej) => {
      readyResolve = res;
      readyReject = rej;
    });
    this.ready.catch(() => {});

    const decoder = new FrameDecoder();
    this.channel.on("data", (chunk: Buffer) => {
      let frames: unknown[];
      try {
        frames = decoder.push(chunk);
      } catch (e) {
        // A garbled frame means the protocol is lost: the worker goes, its job gets a verdict.
        this.tail += `\notpforge: unreadable frame from the worker: ${(e as Error).message}`;
        this.compromised(`unreadable bytes: ${(e as Error).message}`);
        return;
      }
      for (const frame of frames) {
        const msg = frame as Record<string, unknown>;
        if (msg.op === "ready" && !this.isReady) {
          this.isReady = true;
          readyResolve();
          continue;
        }
        // Every answer must match a request still pending, with that request's
        // nonce (a secret only the worker's runner saw). Anything else was
        // written by code that reached the channel: a forgery attempt.
        const id = msg.id as number | undefined;
        const p = typeof id === "number" ? this.pending.get(id) : undefined;
        if (!p) {
          this.compromised(`op ${JSON.stringify(msg.op)}, id ${JSON.stringify(msg.id)}, no such request pending`);
          return;
        }
        if (msg.nonce !== p.nonce) {
          this.compromised(`op ${JSON.stringify(msg.op)} for request ${id} without that request's nonce`);
          return;
        }
        this.pending.delete(id!);
        p.resolve(msg);
      }
    });

    this.exited = new Promise<WorkerExit>((resolve) => {
      const done = (code: number | null, signal: NodeJS.Signals | null) => {
        if (this.exitInfo) return;
        this.exitInfo = { code, signal, tail: this.tail };
        live.delete(this);
        // The VM's own mkdtemp directory (privateDir): only what its jobs wrote is in it,
        // and rmSync removes links a job made there without following them.
        rmSync(this.dir, { recursive: true, force: true });
        const err = this.compromise ?? new WorkerDied(this.exitInfo);
        readyReject(
          new WorkerStartError(
            `the VM exited during start (${signal ?? `code ${code}`}): ${this.tail.trim().split("\n").slice(-5).join(" | ")}`,
          ),
        );
        for (const p of this.pending.values()) p.reject(err);
        this.pending.clear();
        resolve(this.exitInfo);
      };
      this.child.on("exit", done);
      this.child.on("error", (e) => {
        this.tail += `\n${e.message}`;
        done(null, null);
      });
    });
  }

  static async start(
    install: ElixirInstall,
    workerDir: string,
    plan: IsolationPlan,
    preloads: readonly WorkerPreload[] = [],
  ): Promise<Worker> {
    const w = new Worker(install, workerDir, plan, preloads);
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        w.ready,
        new Promise<never>((_, rej) => {
          timer = setTimeout(() => rej(new WorkerStartError(`no answer within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
        }),
      ]);
    } catch (e) {
      w.killNow();
      throw e;
    } finally {
      clearTimeout(timer);
    }
    w.idle();
    return w;
  }

  /** The end of what the VM itself printed (diagnostics). */
  get printed(): string {
    return this.tail;
  }

  /** Set once the worker wrote a frame nobody asked for (then the VM is killed). */
  get compromisedBy(): WorkerCompromised | undefined {
    return this.compromise;
  }

  private compromised(detail: string) {
    if (this.compromise) return;
    this.compromise = new WorkerCompromised(detail);
    for (const p of this.pending.values()) p.reject(this.compromise);
    this.pending.clear();
    this.killNow();
  }

  get alive(): boolean {
    return !this.exitInfo;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Sends one request; resolves with the worker's reply frame. */
  request(body: Record<string, unknown>): Promise<Record<string, unknown>> {
    if (this.compromise) return Promise.reject(this.compromise);
    if (this.exitInfo) return Promise.reject(new WorkerDied(this.exitInfo));
    const id = this.nextId++;
    const nonce = randomBytes(16).toString("hex");
    this.busy();
    return new Promise<Record<string, unknown>>((resolve, reject) => {
      this.pending.set(id, { nonce, resolve, reject });
      this.channel.write(encodeFrame({ ...body, id, nonce }));
    }).finally(() => {
      if (this.pending.size === 0) this.idle();
    });
  }

  // An idle worker must not keep Node running; a busy one must.
  private busy() {
    this.child.ref();
    (this.channel as unknown as { ref?: () => void }).ref?.();
  }

  private idle() {
    this.child.unref();
    (this.channel as unknown as { unref?: () => void }).unref?.();
    for (const s of [this.child.stdout, this.child.stderr]) (s as unknown as { unref?: () => void } | null)?.unref?.();
  }

  /** SIGKILL to the worker's whole process group (the VM and anything it started). */
  killNow(): void {
    if (this.exitInfo || this.child.pid === undefined) return;
    try {
      process.kill(-this.child.pid, "SIGKILL");
    } catch {
      try {
        this.child.kill("SIGKILL");
      } catch {
        // already gone
      }
    }
  }

  /** Kills the worker and resolves once the OS process is gone (Node stays up until then). */
  async kill(): Promise<WorkerExit> {
    if (!this.exitInfo) this.busy();
    this.killNow();
    return this.exited;
  }
}
