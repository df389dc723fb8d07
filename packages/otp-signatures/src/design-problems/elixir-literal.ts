// Design problems carry small pieces of Elixir (call arguments, expected return
// values, child ids, start options) that the design probe pastes into its own
// trusted script. Only plain data literals are allowed, so a design problem read
// from a user's file can name values but never run code of its own.
import { OtpforgeError } from "@otpforge/core";

/** Thrown when a design problem holds something that is not a plain Elixir literal. */
export class InvalidDesignProblemError extends OtpforgeError {
  constructor(message: string) {
    super("INVALID_DESIGN_PROBLEM", message, { category: "input" });
  }
}

const ALIAS = String.raw`[A-Z][A-Za-z0-9_]*(?:\.[A-Z][A-Za-z0-9_]*)*`;
const TOKEN = new RegExp(
  [
    String.raw`\s+`,
    String.raw`"[^"\\#]*"`, // strings without escapes or interpolation
    String.raw`:[a-z_][A-Za-z0-9_]*[?!]?`, // atoms
    String.raw`[a-z_][A-Za-z0-9_]*:(?=\s)`, // keyword keys
    String.raw`(?:nil|true|false)\b`,
    String.raw`-?\d[\d_]*\b`, // integers
    ALIAS + String.raw`\b`,
    String.raw`[{}\[\],]`,
  ].join("|"),
  "y",
);

const ALIAS_ONLY = new RegExp(`^${ALIAS}$`);
const FUNCTION_REF = new RegExp(`^(${ALIAS})\\.([a-z_][A-Za-z0-9_]*[?!]?)$`);

/** True when `text` is a literal made of atoms, aliases, integers, strings, nil/booleans, lists, tuples and keyword lists. */
export function isElixirLiteral(text: string): boolean {
  if (text.trim() === "") return false;
  const stack: string[] = [];
  TOKEN.lastIndex = 0;
  let pos = 0;
  while (pos < text.length) {
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(text);
    if (!m || m.index !== pos) return false;
    const tok = m[0];
    if (tok === "{" || tok === "[") stack.push(tok);
    if (tok === "}" && stack.pop() !== "{") return false;
    if (tok === "]" && stack.pop() !== "[") return false;
    pos += tok.length;
  }
  return stack.length === 0;
}

/** Asserts `text` is a plain Elixir literal; `where` names the field for the error. */
export function assertElixirLiteral(text: string, where: string): string {
  if (!isElixirLiteral(text)) {
    throw new InvalidDesignProblemError(
      `${where}: ${JSON.stringify(text)} is not a plain Elixir literal (allowed: atoms, module names, integers, strings without interpolation, nil/true/false, lists, tuples, keyword lists).`,
    );
  }
  return text;
}

/** Asserts `text` is a module name such as `Chat.Registry`. */
export function assertAlias(text: string, where: string): string {
  if (!ALIAS_ONLY.test(text)) {
    throw new InvalidDesignProblemError(`${where}: ${JSON.stringify(text)} is not an Elixir module name (e.g. "Chat.Registry").`);
  }
  return text;
}

/** Splits `"Cache.put"` into module and function; throws when it is not of that shape. */
export function parseFunctionRef(text: string, where: string): { module: string; fun: string } {
  const m = FUNCTION_REF.exec(text);
  if (!m) {
    throw new InvalidDesignProblemError(`${where}: ${JSON.stringify(text)} is not a remote function name such as "Cache.put".`);
  }
  return { module: m[1]!, fun: m[2]! };
}
