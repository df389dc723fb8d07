// Runs the README code blocks exactly as written, so they cannot go stale.
// TypeScript is stripped with the compiler, imports are resolved to the package
// sources, and the rest runs as an async function.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it, vi } from "vitest";
import ts from "typescript";
import * as zod from "zod";
import * as core from "../src/index.js";
import * as testing from "../src/testing/index.js";
import { chatReply, inputOf, ScriptedLM } from "../src/testing/index.js";

const MODULES: Record<string, Record<string, unknown>> = { zod, "@otpforge/core": core, "@otpforge/core/testing": testing };

/** The first ```ts block after the given heading. */
function codeBlockAfter(file: string, heading: string): string {
  const text = readFileSync(fileURLToPath(new URL(file, import.meta.url)), "utf8");
  const at = text.indexOf(`\n${heading}\n`);
  expect(at, `heading "${heading}" in ${file}`).toBeGreaterThanOrEqual(0);
  const m = /```ts\n([\s\S]*?)```/.exec(text.slice(at));
  expect(m, `a ts code block after "${heading}"`).not.toBeNull();
  return m![1]!;
}

async function run(code: string): Promise<void> {
  const names: string[] = [];
  const values: unknown[] = [];
  const js = ts.transpileModule(code, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, verbatimModuleSyntax: true },
  }).outputText;
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

describe("README examples", () => {
  it("runs the root README's ten-line program", async () => {
    const lm = new ScriptedLM((req) =>
      chatReply({
        answer: `Asked "${inputOf(req, "question")}": the restarted process starts with an empty mailbox.`,
        confident: true,
      }),
    );
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    await core.withSettings({ lm }, () => run(codeBlockAfter("../../../README.md", "## A program in ten lines")));
    expect(log).toHaveBeenCalledWith(
      `Asked "What happens to a GenServer's mailbox when it restarts?": the restarted process starts with an empty mailbox.`,
      true,
    );
    expect(lm.calls).toBe(1);
    expect(lm.requests[0]!.messages[0]!.content).toContain("Explain the OTP behaviour in one precise sentence.");
  });

  it("runs the core README's usage program", async () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    await run(codeBlockAfter("../README.md", "## Usage"));
    expect(log).toHaveBeenCalledWith(100, ["classify", "justify"]);
  });
});
