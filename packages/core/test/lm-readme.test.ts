// Runs the code blocks of the README's "Language models" section as written:
// the provider examples must be valid specs, and the offline example must
// print what its comments say.
import { afterEach, describe, expect, it, vi } from "vitest";
import * as core from "../src/index.js";
import * as testing from "../src/testing/index.js";
import { TempDirs } from "./lm-helpers.js";
import { runSnippet, tsBlock } from "../../../test-support/readme-snippets.js";

const MODULES: Record<string, Record<string, unknown>> = { "@otpforge/core": core, "@otpforge/core/testing": testing };
const README = new URL("../README.md", import.meta.url);
const run = (heading: string) => runSnippet(tsBlock(README, heading), MODULES);

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
    await run("## Language models");
    expect(core.currentLM().id).toBe("anthropic/claude-sonnet-4-6");
  });

  it("the offline example prints what its comments say", async () => {
    process.env.OTPFORGE_CACHE_DIR = dirs.make();
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    await run("### Try it offline");
    expect(log.mock.calls[0]).toEqual(["You said: hi", 1, 2]);
    expect(log.mock.calls[1]).toEqual([true, 2]);
    expect(String(log.mock.calls[2]?.[0])).toContain("CACHE HIT");
  });
});
