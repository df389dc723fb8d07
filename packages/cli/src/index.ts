// Public API of @otpforge/cli: run the command in-process (tests, embedding).
export { runCli } from "./run-cli.js";
export type { CliIO, Verb } from "./verb.js";
export { UsageError, EXIT_OK, EXIT_FAILURE, EXIT_USAGE } from "./verb.js";
