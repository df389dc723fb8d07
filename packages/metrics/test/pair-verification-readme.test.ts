// Runs the README's usage block as written (TypeScript stripped, imports
// bound to the workspace packages): it starts a real pool and verifies two
// catalog entries on the BEAM.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it, vi } from "vitest";
import ts from "typescript";
import * as beam from "@otpforge/beam";
import * as signatures from "@otpforge/otp-signatures";
import * as metrics from "../src/index.js";

const MODULES: Record<string, Record<string, unknown>> = { "@otpforge/beam": beam, "@otpforge/otp-signatures": signatures, "@otpforge/metrics": metrics };

function usageBlock(): string {
  const text = readFileSync(fileURLToPath(new URL("../README.md", import.meta.url)), "utf8");
  const at = text.indexOf("\n## Pair verification, the scenario metric and the fix-bug eval\n");
  expect(at).toBeGreaterThanOrEqual(0);
  return /```ts\n([\s\S]*?)```/.exec(text.slice(at))![1]!;
}

async function run(code: string): Promise<void> {
  const js = ts.transpileModule(code, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext } }).outputText;
  const names: string[] = [];
  const values: unknown[] = [];
  const body = js.replace(/^import \{([^}]+)\} from "([^"]+)";\n/gm, (_, list: string, spec: string) => {
    const mod = MODULES[spec];
    if (!mod) throw new Error(`README imports an unknown module ${spec}`);
    for (const name of list.split(",").map((s) => s.trim())) {
      if (!(name in mod)) throw new Error(`${spec} does not export ${name}`);
      names.push(name);
      values.push(mod[name]);
    }
    return "";
  });
  expect(body).not.toMatch(/^import /m);
  const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => (...a: unknown[]) => Promise<void>;
  await new AsyncFunction(...names, body)(...values);
}

afterEach(() => vi.restoreAllMocks());

describe("README", () => {
  it("runs the pair verification example on the BEAM", { timeout: 60_000 }, async () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    await run(usageBlock());
    expect(log).toHaveBeenNthCalledWith(1, "valid", 3, 0, "bug reproduced in 3 of 3 runs; fix held in all 3 runs; pass-to-pass suite held in all 3 runs of both versions");
    expect(log).toHaveBeenNthCalledWith(2, "invalid", "bug not reproduced in 3 runs");
  });
});
