// What every `otpforge` verb looks like. A verb is thin: it parses its
// arguments, calls into the packages, and prints. Exit codes follow DESIGN.md:
// 0 success, 1 the work ran and found a failure, 2 bad usage or bad input.

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

/** Bad usage or bad input: printed without a stack trace, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
