// Errors a user of @otpforge/beam can meet (verdicts of jobs are data, not errors).
// beam imports no other otpforge package (DESIGN.md layers), so its errors have
// their own base with the same shape as core's OtpforgeError: a stable `code`
// and a `category`: "input" when what the user gave or installed must change
// (the CLI exits 2), "run" when the work failed (exit 1).

export class BeamError extends Error {
  readonly code: string;
  readonly category: "input" | "run";
  constructor(code: string, message: string, options: { cause?: unknown; category?: "input" | "run" } = {}) {
    super(message, options.cause !== undefined ? { cause: options.cause } : undefined);
    this.code = code;
    this.category = options.category ?? "run";
    this.name = new.target.name;
  }
}

export const INSTALL_HINT =
  "Install it: `sudo apt-get install -y elixir` (Debian/Ubuntu, gives Elixir 1.14 on OTP 25), " +
  "`brew install elixir` (macOS), or see https://elixir-lang.org/install.html; " +
  "or point OTPFORGE_ELIXIR at an `elixir` executable.";

/** No usable Elixir/Erlang on this machine. */
export class ElixirNotFoundError extends BeamError {
  constructor(detail: string) {
    // The machine lacks what otpforge needs: the user installs it, the work did not fail.
    super("ELIXIR_NOT_FOUND", `${detail} otpforge needs Elixir >= 1.14 on Erlang/OTP >= 25. ${INSTALL_HINT}`, { category: "input" });
  }
}

/** The worker's Elixir sources did not compile (a bug of otpforge or an unsupported Elixir). */
export class WorkerBuildError extends BeamError {
  constructor(detail: string) {
    super("WORKER_BUILD_FAILED", `could not compile the BEAM worker shipped in packages/beam/priv: ${detail}`);
  }
}

/**
 * A preload (createPool({ preload })) was refused when it was built: a sandboxed one broke the
 * sandbox policy (it must be no more powerful than job code), or it had top-level code, a
 * module the runtime or another preload has, or a compile error. `refusals` lists each.
 */
export class PreloadRefusedError extends BeamError {
  constructor(
    readonly preload: string,
    readonly refusals: string[],
  ) {
    super(
      "PRELOAD_REFUSED",
      `the preload "${preload}" was refused: ${refusals.slice(0, 5).join("; ")}${refusals.length > 5 ? ` (and ${refusals.length - 5} more)` : ""}`,
      {
        category: "input",
      },
    );
  }
}

/** A worker VM did not start. */
export class WorkerStartError extends BeamError {
  constructor(detail: string) {
    super("WORKER_START_FAILED", `a BEAM worker did not start: ${detail}`);
  }
}

/** run() after close(). */
export class PoolClosedError extends BeamError {
  constructor(message = "the BEAM pool is closed; create a new one with createPool()") {
    super("POOL_CLOSED", message);
  }
}

/** Untrusted code was given to a pool whose host offers no OS sandbox (and the user did not opt out). */
export class IsolationUnavailableError extends BeamError {
  constructor(detail: string) {
    super(
      "ISOLATION_UNAVAILABLE",
      `otpforge will not run untrusted (model-written) code here: ${detail} ` +
        "Install bubblewrap (`sudo apt-get install -y bubblewrap`) and make sure unprivileged user namespaces are allowed, " +
        "or, on a machine you can afford to lose, pass --unsafe-no-isolation (API: createPool({ isolation: { unsafeNoIsolation: true } })).",
      { category: "input" },
    );
  }
}

/** A job that is not well-formed (caught before it reaches a worker). */
export class InvalidJobError extends BeamError {
  constructor(detail: string) {
    super("INVALID_JOB", `invalid job: ${detail}`, { category: "input" });
  }
}
