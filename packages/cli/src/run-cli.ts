import { IsolationUnavailableError } from "@otpforge/beam";
import { verbs } from "./verbs/index.js";
import { UsageError, EXIT_USAGE, type CliIO } from "./verb.js";

function mainHelp(): string {
  const width = Math.max(...verbs.map((v) => v.name.length));
  return [
    "Usage: otpforge <verb> [options]    (from a checkout: pnpm otpforge <verb>)",
    "",
    "Verbs:",
    ...verbs.map((v) => `  ${v.name.padEnd(width)}  ${v.summary}`),
    "",
    "Every verb takes --json (machine-readable output) and --help (usage with examples).",
    "Model-written Elixir runs only in the bubblewrap sandbox; --unsafe-no-isolation (any verb) runs it without",
    "one where the host has none. Use it only on a machine you can afford to lose.",
    "Exit codes: 0 success, 1 the work ran and found a failure, 2 bad usage or bad input.",
    "",
  ].join("\n");
}

/** Runs one command line; returns the exit code. Used by main.ts and by tests. */
export async function runCli(argv: string[], io: CliIO): Promise<number> {
  const unsafe = argv.includes("--unsafe-no-isolation");
  const [name, ...rest] = argv.filter((a) => a !== "--unsafe-no-isolation");
  // Read by @otpforge/beam's createPool wherever a verb makes a pool.
  if (unsafe) process.env.OTPFORGE_UNSAFE_NO_ISOLATION = "1";
  if (!name || name === "--help" || name === "-h" || name === "help") {
    io.stdout(mainHelp());
    return name ? 0 : EXIT_USAGE;
  }
  const verb = verbs.find((v) => v.name === name);
  if (!verb) {
    io.stderr(`otpforge: unknown verb "${name}". Known verbs: ${verbs.map((v) => v.name).join(", ")}. Try \`otpforge --help\`.\n`);
    return EXIT_USAGE;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    io.stdout(verb.help.endsWith("\n") ? verb.help : verb.help + "\n");
    return 0;
  }
  try {
    return await verb.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError || err instanceof IsolationUnavailableError) {
      io.stderr(`otpforge ${name}: ${err.message}\n`);
      return EXIT_USAGE;
    }
    throw err;
  }
}
