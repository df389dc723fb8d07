// What every `otpforge` verb looks like. A verb is thin: it parses its
// arguments, calls into the packages, and prints. Exit codes follow DESIGN.md:
// 0 success, 1 the work ran and found a failure, 2 bad usage or bad input.
// A verb returns 0 or 1 for what its work found and throws for everything
// else; run-cli.ts turns a thrown error into the exit code and the message.
import { OtpforgeError } from "@otpforge/core";

export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** True when stdout is a terminal: progress bars may show. */
  isTTY: boolean;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export interface Verb {
  name: string;
  /** One line for `otpforge --help`. */
  summary: string;
  /** Full usage text for `otpforge <verb> --help`, including examples. */
  help: string;
  run(argv: string[], io: CliIO): Promise<number>;
}

/** Bad usage: printed without a stack trace, exit code 2 (code USAGE, category input). */
export class UsageError extends OtpforgeError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super("USAGE", message, { ...options, category: "input" });
  }
}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
