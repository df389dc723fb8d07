// The one canonical syntax of outcome-set answers. An outcome is the value
// Scenario.run/0 returns, as `inspect` printed it in the explorer, read back
// with the project's term parser and printed again by its printer: tuples as
// `{...}` (a keyword list `[a: 1]` becomes `[{:a, 1}]`), atoms with their colon,
// no maps. A run that deadlocks is `:deadlock`. The answer is the list of every
// possible outcome, each once, sorted by its text (order does not matter to the
// grader; sorting makes the record reproducible).
import { parseTerm, printTerm, type Term } from "@otpforge/otp-signatures";

export const DEADLOCK_OUTCOME = ":deadlock";

/** The answer-format paragraph every concurrent question ends with. */
export const ANSWER_FORMAT =
  "Answer with an Elixir list holding every value that is possible, each once, in any order " +
  "(for example [1, 2] or [{:ok, :a}, :empty]). Write each value as a plain term: tuples in braces, " +
  "never keyword syntax (write [{:a, 1}], not [a: 1]), atoms with their colon.";

/** An outcome the canonical syntax cannot hold (Scenario.run/0 raised, or printed something that is no plain term). */
export class UnreadableOutcomeError extends Error {
  constructor(readonly outcome: string) {
    super(`the outcome ${JSON.stringify(outcome)} is not a plain Elixir term`);
  }
}

/** An explorer outcome in canonical syntax; a raise or an unreadable value throws UnreadableOutcomeError. */
export function canonicalOutcome(raw: string): string {
  if (raw === "deadlock") return DEADLOCK_OUTCOME;
  if (raw.startsWith("** (")) throw new UnreadableOutcomeError(raw);
  let t: Term;
  try {
    t = parseTerm(raw);
  } catch {
    throw new UnreadableOutcomeError(raw);
  }
  return printTerm(t);
}

/** The part of a canonical outcome a question asks about: element `part` of a tuple (a deadlock stays :deadlock). */
export function projectOutcome(outcome: string, part: number | undefined): string {
  if (part === undefined || outcome === DEADLOCK_OUTCOME) return outcome;
  const t = parseTerm(outcome);
  if (t.type !== "tuple" || part >= t.items.length) throw new UnreadableOutcomeError(outcome);
  return printTerm(t.items[part] as Term);
}

/** Distinct outcomes, sorted by their text (code-unit order, independent of the locale). */
export function sortedOutcomes(outcomes: Iterable<string>): string[] {
  return [...new Set(outcomes)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The answer text: `[o1, o2, ...]`. */
export function outcomeSetText(outcomes: Iterable<string>): string {
  return `[${sortedOutcomes(outcomes).join(", ")}]`;
}
