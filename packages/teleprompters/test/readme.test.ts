// Runs the README's usage block exactly as written, so it cannot go stale:
// TypeScript is stripped, imports are bound to the real modules, and the rest
// runs as an async function.
import { readFileSync } from "node:fs";
import * as fsPromises from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it, vi } from "vitest";
import ts from "typescript";
import * as zod from "zod";
import * as core from "@otpforge/core";
import * as testing from "@otpforge/core/testing";
import * as teleprompters from "../src/index.js";

const MODULES: Record<string, Record<string, unknown>> = {
  zod,
  "@otpforge/core": core,
  "@otpforge/core/testing": testing,
  "@otpforge/teleprompters": teleprompters,
  "node:fs/promises": fsPromises,
  "node:os": os,
  "node:path": path as unknown as Record<string, unknown>,
};

function usageBlock(): string {
  const text = readFileSync(fileURLToPath(new URL("../README.md", import.meta.url)), "utf8");
  const at = text.indexOf("\n## Usage\n");
  expect(at).toBeGreaterThanOrEqual(0);
  return /```ts\n([\s\S]*?)```/.exec(text.slice(at))![1]!;
}

async function run(code: string): Promise<void> {
  const names: string[] = [];
  const values: unknown[] = [];
  const js = ts.transpileModule(code, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, verbatimModuleSyntax: true } }).outputText;
  const body = js.replace(/^import \{([^}]+)\} from "([^"]+)";\n/gm, (_, list: string, spec: string) => {
    const mod = MODULES[spec];
    if (!mod) throw new Error(`README imports an unknown module ${spec}`);
    for (const name of list.split(",").map((s) => s.trim()).filter(Boolean)) {
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
  it("runs the usage block: compile, write, publish, load, loadCompiled", async () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    await run(usageBlock());
    // 2 bootstrapped demos + 2 labeled ones (the other two examples), and the published artifact is the compiled one.
    expect(log).toHaveBeenCalledWith(4, true);
  });
});
