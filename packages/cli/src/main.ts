#!/usr/bin/env node
import { runCli } from "./run-cli.js";

// A reader that goes away (`otpforge exec a.exs b.exs --json | head -1`)
// closes the pipe. Node ignores SIGPIPE and reports EPIPE as an 'error' event,
// which, unhandled, kills the process with a stack trace. Nobody is left to
// read what remains, so stop printing it and let the verb finish (closing its
// BEAM pool properly); the exit code is still the verb's.
const closed = { stdout: false, stderr: false };
for (const name of ["stdout", "stderr"] as const) {
  process[name].on("error", (err: NodeJS.ErrnoException) => {
    if (err.code !== "EPIPE") throw err;
    closed[name] = true;
  });
}

const code = await runCli(process.argv.slice(2), {
  stdout: (t) => void (closed.stdout || process.stdout.write(t)),
  stderr: (t) => void (closed.stderr || process.stderr.write(t)),
  isTTY: Boolean(process.stdout.isTTY),
  cwd: process.cwd(),
  env: process.env,
}).catch((err: unknown) => {
  // runCli reports every error itself; this is the last resort should printing the report fail.
  if (!closed.stderr)
    process.stderr.write(`otpforge: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  return 1;
});
process.exitCode = code;
