// Base class of every error a user of otpforge can meet. `code` is stable and
// machine-readable (CLI verbs map it to exit codes and --json output); the
// message says what went wrong and what to do about it.
export class OtpforgeError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}
