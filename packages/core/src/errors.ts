// Base class of every error a user of otpforge can meet. `code` is stable and
// machine-readable (SCREAMING_SNAKE); the message says what went wrong and
// what to do about it. `category` says whose move it is: "input" means what
// the user gave (arguments, files, configuration) must change, "run" means the
// work itself failed. The CLI maps the two to exit codes 2 and 1 in one place.
//
// (The field is not called `kind`: LMRequestError already has a `kind`, the
// failure kind of its last attempt, and that is public API.)

export type ErrorCategory = "input" | "run";

export interface OtpforgeErrorOptions {
  cause?: unknown;
  /** Default "run": an error that does not say the input is wrong must not tell the user so. */
  category?: ErrorCategory;
}

export class OtpforgeError extends Error {
  readonly code: string;
  readonly category: ErrorCategory;

  constructor(code: string, message: string, options: OtpforgeErrorOptions = {}) {
    super(message, options.cause !== undefined ? { cause: options.cause } : undefined);
    this.code = code;
    this.category = options.category ?? "run";
    this.name = new.target.name;
  }
}

/**
 * The code and category of an error that declares them, whatever class it is:
 * @otpforge/beam's errors have their own base (beam imports nothing), and a
 * few classes only declare the two fields. Node's system errors have a `code`
 * but no category, so they are not matched here.
 */
export function describedError(err: unknown): { code: string; category: ErrorCategory; message: string } | undefined {
  if (!(err instanceof Error)) return undefined;
  const { code, category } = err as { code?: unknown; category?: unknown };
  if (typeof code !== "string" || (category !== "input" && category !== "run")) return undefined;
  return { code, category, message: err.message };
}
