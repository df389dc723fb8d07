// Elixir source text for the literals of the world model (messages, states).
import type { Lit } from "./world.js";

/** `{:add, 2}`, `[:a, :b]`, `Counter`: the text Elixir's `inspect/1` prints for the same term. */
export function renderLit(lit: Lit): string {
  if (typeof lit === "number") return String(lit);
  if (Array.isArray(lit)) return `[${lit.map(renderLit).join(", ")}]`;
  if ("atom" in lit) return /^[A-Z]/.test(lit.atom) ? lit.atom : `:${lit.atom}`;
  return `{${lit.tuple.map(renderLit).join(", ")}}`;
}

/** The tag of a message: the atom itself, or the first atom of a tuple. */
export function messageTag(lit: Lit): string | undefined {
  if (typeof lit === "object" && !Array.isArray(lit)) {
    if ("atom" in lit) return lit.atom;
    const head = lit.tuple[0];
    if (head && typeof head === "object" && !Array.isArray(head) && "atom" in head) return head.atom;
  }
  return undefined;
}

/** The n-th element of a tuple message (0 is the tag). */
export function tupleArg(lit: Lit, index: number): Lit | undefined {
  if (typeof lit === "object" && !Array.isArray(lit) && "tuple" in lit) return lit.tuple[index];
  return undefined;
}
