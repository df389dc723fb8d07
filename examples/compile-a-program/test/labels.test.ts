// The example's labels are facts about the BEAM, not opinions: each snippet is
// compiled into a GenServer, called with GenServer.call(pid, :work, 1000) in
// the sandbox pool, and what the caller saw must be the label.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPool, type Pool } from "@otpforge/beam";
import { TRAIN_SNIPPETS, VAL_SNIPPETS, type Snippet } from "../src/snippets.js";

let pool: Pool;
beforeAll(async () => {
  pool = await createPool({ size: 2 });
});
afterAll(async () => {
  await pool.close();
});

async function observe(s: Snippet): Promise<unknown> {
  const indented = s.snippet.replace(/^(?=.)/gm, "  ");
  const source = `defmodule Snippet do\n  use GenServer\n\n  def init(state), do: {:ok, state}\n\n${indented}\nend\n`;
  const script = `{:ok, pid} = GenServer.start(Snippet, %{})

try do
  GenServer.call(pid, :work, 1000)
  "reply"
catch
  :exit, {:timeout, _} -> "timeout"
end`;
  const r = await pool.run({ files: [{ name: "snippet.ex", source }], script, limits: { timeoutMs: 10_000 } });
  expect(r.status, `${s.id}: ${r.message}`).toBe("ok");
  return r.valueJson;
}

describe("compile-a-program's snippets", () => {
  it("are labelled with what the caller observes on the BEAM", async () => {
    const all = [...TRAIN_SNIPPETS, ...VAL_SNIPPETS];
    expect(new Set(all.map((s) => s.id)).size).toBe(all.length);
    // Both outcomes appear in both sets, so neither set can be passed by always saying one thing.
    for (const set of [TRAIN_SNIPPETS, VAL_SNIPPETS]) expect(new Set(set.map((s) => s.outcome))).toEqual(new Set(["reply", "timeout"]));
    const observed = await Promise.all(all.map(observe));
    expect(Object.fromEntries(all.map((s, i) => [s.id, observed[i]]))).toEqual(Object.fromEntries(all.map((s) => [s.id, s.outcome])));
  });
});
