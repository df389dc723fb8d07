// Locking down must not lock out: normal OTP code runs in the sandbox with the
// value plain `elixir` gives for it (each example run both ways in this test).
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPool, findElixir, type Pool } from "../src/index.js";
import { CORPUS } from "./corpus/otp-examples.js";

let pool: Pool;
let dir: string;
beforeAll(async () => {
  pool = await createPool({ size: 2, onNotice: () => {} });
  dir = mkdtempSync(join(tmpdir(), "otpforge-corpus-"));
});
afterAll(async () => {
  await pool?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The script's value under plain `elixir`, as inspect text (same options as the pool's). */
async function plainValue(elixir: string, name: string, script: string): Promise<string> {
  const file = join(dir, `${name.replace(/[^a-z0-9]+/gi, "_")}.exs`);
  // Top-level modules first, as a script would define them; then the value of the rest.
  // The modules are defined first, then the rest is evaluated as a script is.
  const { modules, rest } = splitModules(script);
  const restFile = `${file}.rest`;
  writeFileSync(restFile, rest);
  writeFileSync(
    file,
    `${modules}\n{value, _} = Code.eval_string(File.read!(${JSON.stringify(restFile)}), [], file: "script.exs")\nIO.write("\\n<<VALUE>>" <> inspect(value, limit: 100_000, printable_limit: 1_000_000, width: :infinity))\n`,
  );
  return new Promise((resolve) => {
    execFile(elixir, [file], { cwd: dir, timeout: 60_000, encoding: "utf8" }, (err, stdout, stderr) => {
      const m = /<<VALUE>>([\s\S]*)$/.exec(stdout);
      resolve(m ? m[1]! : `plain elixir failed: ${err?.message ?? ""} ${stderr}`);
    });
  });
}

/** Top-level `defmodule`/`defprotocol`/`defimpl` blocks (they start and end at column 0), and the rest. */
function splitModules(script: string): { modules: string; rest: string } {
  const lines = script.split("\n");
  const modules: string[] = [];
  const rest: string[] = [];
  let inModule = false;
  for (const line of lines) {
    if (!inModule && /^(defmodule|defprotocol|defimpl) /.test(line)) inModule = true;
    (inModule ? modules : rest).push(line);
    if (inModule && line === "end") inModule = false;
  }
  return { modules: modules.join("\n"), rest: rest.join("\n") };
}

async function inParallel<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!);
      }
    }),
  );
  return out;
}

describe("normal OTP code in the sandbox", () => {
  it(`runs every one of ${CORPUS.length} examples with its plain-elixir value`, async () => {
    const { elixir } = await findElixir();
    const rows = await inParallel(CORPUS, 2, async (ex) => {
      const [sandboxed, plain] = await Promise.all([
        pool.run({ script: ex.script, limits: { timeoutMs: 20_000 } }),
        plainValue(elixir, ex.name, ex.script),
      ]);
      return { name: ex.name, status: sandboxed.status, got: sandboxed.status === "ok" ? sandboxed.value : sandboxed.message, plain };
    });
    const differing = rows.filter((r) => r.status !== "ok" || r.got !== r.plain);
    expect(differing, JSON.stringify(differing, null, 2)).toEqual([]);
  }, 300_000);
});
