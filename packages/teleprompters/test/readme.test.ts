// Runs the README's usage block exactly as written (test-support/readme-snippets.ts,
// imports bound to the real modules), so it cannot go stale.
import * as fsPromises from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import * as zod from "zod";
import * as core from "@otpforge/core";
import * as testing from "@otpforge/core/testing";
import * as teleprompters from "../src/index.js";
import { runSnippet, tsBlock } from "../../../test-support/readme-snippets.js";

const MODULES: Record<string, Record<string, unknown>> = {
  zod,
  "@otpforge/core": core,
  "@otpforge/core/testing": testing,
  "@otpforge/teleprompters": teleprompters,
  "node:fs/promises": fsPromises,
  "node:os": os,
  "node:path": path as unknown as Record<string, unknown>,
};

afterEach(() => vi.restoreAllMocks());

describe("README", () => {
  it("runs the usage block: compile, write, publish, load, loadCompiled", async () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    await runSnippet(tsBlock(new URL("../README.md", import.meta.url), "## Usage"), MODULES);
    // 2 bootstrapped demos + 2 labeled ones (the other two examples), and the published artifact is the compiled one.
    expect(log).toHaveBeenCalledWith(4, true);
  });
});
