// Structural comparison of Elixir terms for trace answers: exit reasons compare
// by class, numbers by value, maps and sets ignore order.
import { atomTerm, printTerm, type Term } from "@otpforge/otp-signatures";

const CALL_MODULES = new Set(["Elixir.GenServer", "gen_server", "gen"]);

const ERLANG_ERRORS: Record<string, string> = {
  function_clause: "Elixir.FunctionClauseError",
  badarith: "Elixir.ArithmeticError",
  undef: "Elixir.UndefinedFunctionError",
  badarg: "Elixir.ArgumentError",
};

function isAtom(t: Term | undefined, value?: string): t is { type: "atom"; value: string } {
  return t?.type === "atom" && (value === undefined || t.value === value);
}

function structName(t: Term | undefined): string | undefined {
  if (t?.type !== "map") return undefined;
  const entry = t.entries.find(([k]) => isAtom(k, "__struct__"));
  return entry && isAtom(entry[1]) ? entry[1].value : undefined;
}

/**
 * The class of an exit reason, as the dataset writes it: `:noproc`, `:timeout`,
 * `:calling_self`, `:killed`, ... or an exception module. `{reason, {GenServer,
 * :call, args}}` wrappers are peeled; `{%RuntimeError{...}, stacktrace}` and
 * `{:function_clause, stacktrace}` become the exception module.
 */
export function exitClass(reason: Term): Term {
  if (reason.type === "map") {
    const s = structName(reason);
    return s ? atomTerm(s) : reason;
  }
  if (reason.type !== "tuple") return reason;
  const [a, b] = reason.items;
  if (
    reason.items.length === 2 &&
    b?.type === "tuple" &&
    b.items.length === 3 &&
    isAtom(b.items[0]) &&
    CALL_MODULES.has(b.items[0].value) &&
    isAtom(b.items[1])
  ) {
    return exitClass(a);
  }
  if (reason.items.length === 2 && isAtom(a, "timeout")) return atomTerm("timeout");
  if (reason.items.length === 2 && isAtom(a, "shutdown")) return atomTerm("shutdown");
  if (reason.items.length === 2 && isAtom(a, "bad_return_value")) return atomTerm("bad_return_value");
  if (reason.items.length === 2 && b?.type === "list") {
    const s = structName(a);
    if (s) return atomTerm(s);
    if (isAtom(a) && ERLANG_ERRORS[a.value]) return atomTerm(ERLANG_ERRORS[a.value]);
    if (a?.type === "tuple" && isAtom(a.items[0], "badmatch")) return atomTerm("Elixir.MatchError");
  }
  return reason;
}

/** Exit tuples reduced to their class, maps with sorted entries, integral floats as integers. */
export function normalizeTerm(t: Term): Term {
  switch (t.type) {
    case "float":
      return Number.isInteger(t.value) && Math.abs(t.value) < 2 ** 53 ? { type: "integer", value: BigInt(t.value) } : t;
    case "list":
      return { type: "list", items: t.items.map(normalizeTerm), ...(t.tail ? { tail: normalizeTerm(t.tail) } : {}) };
    case "tuple": {
      if (t.items.length === 2 && isAtom(t.items[0], "exit"))
        return { type: "tuple", items: [t.items[0], exitClass(normalizeTerm(t.items[1]))] };
      return { type: "tuple", items: t.items.map(normalizeTerm) };
    }
    case "map": {
      const entries = t.entries.map(([k, v]) => [normalizeTerm(k), normalizeTerm(v)] as [Term, Term]);
      entries.sort((x, y) => (termKey(x[0]) < termKey(y[0]) ? -1 : termKey(x[0]) > termKey(y[0]) ? 1 : 0));
      return { type: "map", entries };
    }
    default:
      return t;
  }
}

/** A string that is equal for two terms exactly when they are equal (after normalisation). */
export function termKey(t: Term): string {
  return printTerm(t);
}

export function termEquals(a: Term, b: Term): boolean {
  return termKey(normalizeTerm(a)) === termKey(normalizeTerm(b));
}

/** Length of the longest common subsequence of two key sequences. */
export function lcsLength(a: readonly string[], b: readonly string[]): number {
  const row = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    let prev = 0;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = a[i - 1] === b[j - 1] ? prev + 1 : Math.max(row[j], row[j - 1]);
      prev = tmp;
    }
  }
  return row[b.length];
}

/** |A ∩ B| / |A ∪ B| over distinct elements; 1 for two empty sets. */
export function jaccard(a: readonly string[], b: readonly string[]): number {
  const sa = new Set(a);
  const sb = new Set(b);
  const union = new Set([...sa, ...sb]);
  if (union.size === 0) return 1;
  let inter = 0;
  for (const x of sa) if (sb.has(x)) inter++;
  return inter / union.size;
}
