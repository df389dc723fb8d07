import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "./verb.js";

type Options = NonNullable<ParseArgsConfig["options"]>;
/** What parseVerbArgs passes to parseArgs (named, so that declarations can be emitted for it). */
type VerbArgsConfig<O extends Options> = {
  args: string[];
  options: O & { json: { type: "boolean" }; help: { type: "boolean"; short: "h" } };
  allowPositionals: boolean;
  strict: true;
};

/**
 * node:util parseArgs, with errors turned into UsageErrors that say what to
 * type instead (the verb's name points at its --help).
 */
export function parseVerbArgs<O extends Options>(
  verb: string,
  argv: string[],
  options: O,
  allowPositionals = true,
): ReturnType<typeof parseArgs<VerbArgsConfig<O>>> {
  try {
    return parseArgs({
      args: argv,
      options: { ...options, json: { type: "boolean" }, help: { type: "boolean", short: "h" } },
      allowPositionals,
      strict: true,
    });
  } catch (err) {
    throw new UsageError(`${(err as Error).message}. See \`otpforge ${verb} --help\`.`);
  }
}

/**
 * The default bound of integer options: the longest delay setTimeout honours
 * (a longer one overflows and fires at once, so a huge --timeout-ms would
 * time every job out immediately), and more than any count option needs.
 */
export const MAX_INT_OPTION = 2 ** 31 - 1;

/**
 * The bound of a BEAM job's --timeout-ms: a day. The pool's watchdog waits
 * the job's limit plus a grace period, so the limit itself must stay well
 * below setTimeout's maximum.
 */
export const MAX_JOB_TIMEOUT_MS = 24 * 60 * 60 * 1000;

/** An integer option in [min, max], or a UsageError naming the option and the bound it broke. */
export function intOption(value: string | undefined, name: string, fallback: number, min = 1, max = MAX_INT_OPTION): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be an integer >= ${min}, got "${value}"`);
  if (n > max) {
    const why =
      max === MAX_JOB_TIMEOUT_MS
        ? " (a day)"
        : max === MAX_INT_OPTION && name.endsWith("-ms")
          ? " (about 24.8 days, the longest timer Node.js can set)"
          : "";
    throw new UsageError(`--${name} must be an integer <= ${max}${why}, got "${value}"`);
  }
  return n;
}

/**
 * --lm-option key=value (repeatable): provider parameters put into every
 * request body as given (top_p=0.9, seed=7, reasoning_effort=low,
 * thinking={"type":"enabled","budget_tokens":2048}). A value that parses as
 * JSON is that JSON; any other value is a string.
 */
export function lmOptions(values: string[] | undefined): Record<string, unknown> | undefined {
  if (!values?.length) return undefined;
  const out: Record<string, unknown> = {};
  for (const v of values) {
    const eq = v.indexOf("=");
    if (eq <= 0) throw new UsageError(`--lm-option takes key=value (e.g. --lm-option top_p=0.9), got "${v}"`);
    const raw = v.slice(eq + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // a plain string
    }
    out[v.slice(0, eq)] = value;
  }
  return out;
}
