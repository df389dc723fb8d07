// Small pieces of Elixir text the concurrent families share, laid out as
// `mix format` would (two spaces a level), so the code reads as written by hand.

/** Indents every line of `text` by `n` levels. */
export function indent(text: string, n: number): string {
  const pad = "  ".repeat(n);
  return text
    .split("\n")
    .map((l) => (l.trim() ? pad + l : l))
    .join("\n");
}

/** `fn -> a end` on one line for one expression, else a block. */
export function fnBlock(body: string[]): string {
  if (body.length === 1) return `fn -> ${body[0]} end`;
  return ["fn ->", ...body.map((b) => `  ${b}`), "end"].join("\n");
}

/** `call(fn ... end)` where the fn may span lines: `spawn(fn ->\n ... \nend)`. */
export function wrapFn(prefix: string, body: string[], suffix = ")"): string {
  return `${prefix}${fnBlock(body)}${suffix}`;
}

/** A Scenario module whose run/0 is `body` (lines). */
export function scenarioModule(body: string[], helpers: string[] = []): string {
  const run = ["  def run do", ...body.map((l) => indent(l, 2)), "  end"];
  const extra = helpers.length ? ["", ...helpers.map((h) => indent(h, 1))] : [];
  return ["defmodule Scenario do", ...run, ...extra, "end"].join("\n");
}

/** Distinct names drawn from a pool, in the pool's order shuffled by `pick`. */
export function atom(name: string): string {
  return `:${name}`;
}
