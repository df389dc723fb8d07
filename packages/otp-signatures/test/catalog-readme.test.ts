// Runs the README's usage block as written (TypeScript stripped, imports
// bound to this package), so the documented API cannot go stale.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it, vi } from "vitest";
import ts from "typescript";
import * as signatures from "../src/index.js";

function usageBlock(): string {
  const text = readFileSync(fileURLToPath(new URL("../README.md", import.meta.url)), "utf8");
  const at = text.indexOf("\n## Bug/fix scenarios and the reference catalog\n");
  expect(at).toBeGreaterThanOrEqual(0);
  return /```ts\n([\s\S]*?)```/.exec(text.slice(at))![1]!;
}

async function run(code: string): Promise<void> {
  const js = ts.transpileModule(code, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext } }).outputText;
  const names: string[] = [];
  const body = js.replace(/^import \{([^}]+)\} from "@otpforge\/otp-signatures";\n/gm, (_, list: string) => {
    names.push(...list.split(",").map((s) => s.trim()));
    return "";
  });
  expect(body).not.toMatch(/^import /m);
  const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => (...a: unknown[]) => Promise<void>;
  await new AsyncFunction(...names, body)(...names.map((n) => (signatures as Record<string, unknown>)[n]));
}

afterEach(() => vi.restoreAllMocks());

describe("README", () => {
  it("runs the catalog usage example", async () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    await run(usageBlock());
    expect(log).toHaveBeenNthCalledWith(1, "deadlock", "valid", true);
    expect(log).toHaveBeenNthCalledWith(2, true, true, signatures.falseFriends.length);
  });
});
