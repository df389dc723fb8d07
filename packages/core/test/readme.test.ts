// Runs the README code blocks exactly as written (test-support/readme-snippets.ts),
// with imports bound to the package sources, so they cannot go stale.
import { afterEach, describe, expect, it, vi } from "vitest";
import * as zod from "zod";
import * as core from "../src/index.js";
import * as testing from "../src/testing/index.js";
import { chatReply, inputOf, ScriptedLM } from "../src/testing/index.js";
import { runSnippet, tsBlock } from "../../../test-support/readme-snippets.js";

const MODULES: Record<string, Record<string, unknown>> = { zod, "@otpforge/core": core, "@otpforge/core/testing": testing };

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
    await core.withSettings({ lm }, () =>
      runSnippet(tsBlock(new URL("../../../README.md", import.meta.url), "## A program in ten lines"), MODULES),
    );
    expect(log).toHaveBeenCalledWith(
      `Asked "What happens to a GenServer's mailbox when it restarts?": the restarted process starts with an empty mailbox.`,
      true,
    );
    expect(lm.calls).toBe(1);
    expect(lm.requests[0]!.messages[0]!.content).toContain("Explain the OTP behaviour in one precise sentence.");
  });

  it("runs the core README's usage program", async () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    await runSnippet(tsBlock(new URL("../README.md", import.meta.url), "## Usage"), MODULES);
    expect(log).toHaveBeenCalledWith(100, ["classify", "justify"]);
  });
});
