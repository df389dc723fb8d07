// Runs the README's usage block as written (test-support/readme-snippets.ts,
// imports bound to this package), so the documented API cannot go stale.
import { afterEach, describe, expect, it, vi } from "vitest";
import * as signatures from "../src/index.js";
import { runSnippet, tsBlock } from "../../../test-support/readme-snippets.js";

afterEach(() => vi.restoreAllMocks());

describe("README", () => {
  it("runs the catalog usage example", async () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    await runSnippet(tsBlock(new URL("../README.md", import.meta.url), "## Bug/fix scenarios and the reference catalog"), {
      "@otpforge/otp-signatures": signatures,
    });
    expect(log).toHaveBeenNthCalledWith(1, "deadlock", "valid", true);
    expect(log).toHaveBeenNthCalledWith(2, true, true, signatures.falseFriends.length);
  });
});
