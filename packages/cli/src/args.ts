import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "./verb.js";

type Options = NonNullable<ParseArgsConfig["options"]>;

/**
 * node:util parseArgs, with errors turned into UsageErrors that say what to
 * type instead (the verb's name points at its --help).
 */
export function parseVerbArgs<O extends Options>(verb: string, argv: string[], options: O, allowPositionals = true) {
  try {
    return parseArgs({ args: argv, options: { ...options, json: { type: "boolean" }, help: { type: "boolean", short: "h" } }, allowPositionals, strict: true });
  } catch (err) {
    throw new UsageError(`${(err as Error).message}. See \`otpforge ${verb} --help\`.`);
  }
}

/** A positive integer option, or a UsageError naming the option. */
export function intOption(value: string | undefined, name: string, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be an integer >= ${min}, got "${value}"`);
  return n;
}
