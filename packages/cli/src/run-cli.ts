// The command line's one entry point, and the one place where a thrown error
// becomes an exit code and a message (DESIGN.md's command contract):
//   an error with a code and category "input"  exit 2, `otpforge <verb>: <message>`
//   an error with a code and category "run"    exit 1, the same
//   a filesystem error about a user's path     exit 2, with the path
//   anything else (a bug)                      exit 1, internal error with the stack
// Under --json the same error is also one JSON object on stdout:
//   {"ok":false,"error":{"code":...,"kind":"input"|"run","message":...}}
import { readFileSync } from "node:fs";
import { describedError } from "@otpforge/core";
import { userPathError } from "./fs-errors.js";
import { verbs } from "./verbs/index.js";
import { UsageError, EXIT_FAILURE, EXIT_USAGE, type CliIO } from "./verb.js";

function mainHelp(): string {
  const width = Math.max(...verbs.map((v) => v.name.length));
  return [
    "Usage: otpforge <verb> [options]    (from a checkout: pnpm otpforge <verb>)",
    "",
    "Verbs:",
    ...verbs.map((v) => `  ${v.name.padEnd(width)}  ${v.summary}`),
    "",
    "Every verb takes --json (machine-readable output) and --help (usage with examples). otpforge --version prints the version.",
    "Model-written Elixir runs only in the bubblewrap sandbox; --unsafe-no-isolation (any verb) runs it without",
    "one where the host has none. Use it only on a machine you can afford to lose.",
    "Exit codes: 0 success, 1 the work ran and found a failure, 2 bad usage or bad input. Errors go to stderr as",
    '`otpforge <verb>: message`; under --json stdout also gets {"ok":false,"error":{"code","kind","message"}}.',
    "",
  ].join("\n");
}

/** This package's version, from its package.json (one level above src/ and dist/ alike). */
export function cliVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
  return pkg.version;
}

/** Runs one command line; returns the exit code. Used by main.ts and by tests. */
export async function runCli(argv: string[], io: CliIO): Promise<number> {
  const unsafe = argv.includes("--unsafe-no-isolation");
  const [name, ...rest] = argv.filter((a) => a !== "--unsafe-no-isolation");
  // Read by @otpforge/beam's createPool wherever a verb makes a pool.
  if (unsafe) process.env.OTPFORGE_UNSAFE_NO_ISOLATION = "1";
  if (name === "--version") {
    io.stdout(`${cliVersion()}\n`);
    return 0;
  }
  if (!name || name === "--help" || name === "-h" || name === "help") {
    io.stdout(mainHelp());
    return name ? 0 : EXIT_USAGE;
  }
  const json = rest.includes("--json");
  const verb = verbs.find((v) => v.name === name);
  if (!verb) {
    const known = verbs.map((v) => v.name).join(", ");
    return reportError("otpforge", new UsageError(`unknown verb "${name}". Known verbs: ${known}. Try \`otpforge --help\`.`), json, io);
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    io.stdout(verb.help.endsWith("\n") ? verb.help : verb.help + "\n");
    return 0;
  }
  try {
    return await verb.run(rest, io);
  } catch (err) {
    return reportError(`otpforge ${name}`, err, json, io);
  }
}

/** Prints a thrown error for a person (stderr) and, under --json, for a program (stdout); returns the exit code. */
function reportError(prefix: string, err: unknown, json: boolean, io: CliIO): number {
  const known = describedError(err) ?? userPathError(err);
  if (known) {
    io.stderr(`${prefix}: ${known.message}\n`);
    if (json) io.stdout(JSON.stringify({ ok: false, error: { code: known.code, kind: known.category, message: known.message } }) + "\n");
    return known.category === "input" ? EXIT_USAGE : EXIT_FAILURE;
  }
  // Not an error any package declares for users: a bug. The stack is for the bug report.
  const message = err instanceof Error ? err.message : String(err);
  io.stderr(`${prefix}: internal error: ${err instanceof Error ? (err.stack ?? err.message) : message}\n`);
  if (json) io.stdout(JSON.stringify({ ok: false, error: { code: "INTERNAL", kind: "run", message } }) + "\n");
  return EXIT_FAILURE;
}
