// Runs the README's TypeScript example as written (imports mapped to the packages).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect, it, vi } from "vitest";
import ts from "typescript";
import * as beam from "@otpforge/beam";
import * as datasets from "@otpforge/datasets";

const MODULES: Record<string, Record<string, unknown>> = { "@otpforge/beam": beam, "@otpforge/datasets": datasets };

function firstTsBlock(): string {
  const text = readFileSync(fileURLToPath(new URL("../README.md", import.meta.url)), "utf8");
  const m = /```ts\n([\s\S]*?)```/.exec(text);
  if (!m) throw new Error("no ts block in the README");
  return m[1];
}

it("the README example builds a small verified dataset", async () => {
  const js = ts.transpileModule(firstTsBlock(), { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext } }).outputText;
  const names: string[] = [];
  const values: unknown[] = [];
  const body = js.replace(/^import \{([^}]+)\} from "([^"]+)";\n/gm, (_, list: string, spec: string) => {
    for (const name of list.split(",").map((s) => s.trim())) {
      if (!(name in (MODULES[spec] ?? {}))) throw new Error(`${spec} does not export ${name}`);
      names.push(name);
      values.push(MODULES[spec][name]);
    }
    return "";
  });
  const log = vi.spyOn(console, "log").mockImplementation(() => {});
  try {
    const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => (...a: unknown[]) => Promise<void>;
    await new AsyncFunction(...names, body)(...values);
    const printed = log.mock.calls.map((c) => c.join(" ")).join("\n");
    expect(printed).toMatch(/observed answer: .+ \(5\/5 runs agreed\)/);
    expect(printed).toContain("balanced: true");
  } finally {
    log.mockRestore();
  }
}, 180_000);
