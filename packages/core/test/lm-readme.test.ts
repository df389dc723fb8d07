// Runs the code blocks of the README's "Language models" section as written:
// the provider examples must be valid specs, and the offline example must
// print what its comments say.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { afterEach, describe, expect, it, vi } from "vitest";
import * as core from "../src/index.js";
import * as testing from "../src/testing/index.js";
import { TempDirs } from "./lm-helpers.js";

const MODULES: Record<string, Record<string, unknown>> = { "@otpforge/core": core, "@otpforge/core/testing": testing };
const README = readFileSync(fileURLToPath(new URL("../README.md", import.meta.url)), "utf8");

/** The first ```ts block after a heading. */
function blockAfter(heading: string): string {
  const at = README.indexOf(`\n${heading}\n`);
  expect(at, heading).toBeGreaterThanOrEqual(0);
  const m = /```ts\n([\s\S]*?)```/.exec(README.slice(at));
  expect(m).not.toBeNull();
  return m![1]!;
}

/** Strips the types, binds the imports to the package sources, and runs the block as an async function. */
async function run(code: string): Promise<void> {
  const names: string[] = [];
  const values: unknown[] = [];
  const js = ts.transpileModule(code, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext } }).outputText;
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
  const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => (...a: unknown[]) => Promise<void>;
  await new AsyncFunction(...names, body)(...values);
}

const saved = { ...process.env };
const dirs = new TempDirs();
afterEach(() => {
  for (const k of ["OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GROQ_API_KEY", "OTPFORGE_CACHE_DIR"]) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
  core.configure({ lm: undefined });
  vi.restoreAllMocks();
  dirs.cleanup();
});

describe("README: Language models", () => {
  it("the provider examples build clients (no request is made)", async () => {
    Object.assign(process.env, { OPENAI_API_KEY: "k1", ANTHROPIC_API_KEY: "k2", GROQ_API_KEY: "k3" });
    await run(blockAfter("## Language models"));
    expect(core.currentLM().id).toBe("anthropic/claude-sonnet-4-6");
  });

  it("the offline example prints what its comments say", async () => {
    process.env.OTPFORGE_CACHE_DIR = dirs.make();
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    await run(blockAfter("### Try it offline"));
    expect(log.mock.calls[0]).toEqual(["You said: hi", 1, 2]);
    expect(log.mock.calls[1]).toEqual([true, 2]);
    expect(String(log.mock.calls[2]?.[0])).toContain("CACHE HIT");
  });
});
