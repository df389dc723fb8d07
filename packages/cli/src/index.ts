// Public API of @otpforge/cli: run the command in-process (tests, embedding).
export { runCli } from "./run-cli.js";
export { type CliIO } from "./verb.js";
