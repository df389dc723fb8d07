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
  if (body.length === 1 && !body[0]?.includes("\n")) return `fn -> ${body[0]} end`;
  return ["fn ->", ...body.map((b) => indent(b, 1)), "end"].join("\n");
}

/**
 * A block's expressions (each may span lines) as `mix format` lays them out: a
 * blank line before and after every expression that spans lines.
 */
export function block(...exprs: string[]): string[] {
  const out: string[] = [];
  exprs.forEach((e, i) => {
    const multi = e.includes("\n");
    if (multi && out.length && out[out.length - 1] !== "") out.push("");
    out.push(e);
    if (multi && i < exprs.length - 1) out.push("");
  });
  return out;
}

/** `lhs = rhs`; a right side that spans lines goes on the next line, indented, as `mix format` puts it. */
export function assign(lhs: string, rhs: string): string {
  return rhs.includes("\n") ? `${lhs} =\n${indent(rhs, 1)}` : `${lhs} = ${rhs}`;
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
