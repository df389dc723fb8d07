// Runs the README's usage block as written (test-support/readme-snippets.ts,
// imports bound to the workspace packages): it starts a real pool and verifies two
// catalog entries on the BEAM.
import { afterEach, describe, expect, it, vi } from "vitest";
import * as beam from "@otpforge/beam";
import * as signatures from "@otpforge/otp-signatures";
import * as metrics from "../src/index.js";
import { runSnippet, tsBlock } from "../../../test-support/readme-snippets.js";

const MODULES: Record<string, Record<string, unknown>> = {
  "@otpforge/beam": beam,
  "@otpforge/otp-signatures": signatures,
  "@otpforge/metrics": metrics,
};

afterEach(() => vi.restoreAllMocks());

describe("README", () => {
  it("runs the pair verification example on the BEAM", { timeout: 60_000 }, async () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    await runSnippet(
      tsBlock(new URL("../README.md", import.meta.url), "## Pair verification, the scenario metric and the fix-bug eval"),
      MODULES,
    );
    expect(log).toHaveBeenNthCalledWith(
      1,
      "valid",
      3,
      0,
      "bug reproduced in 3 of 3 runs; fix held in all 3 runs; pass-to-pass suite held in all 3 runs of both versions",
    );
    expect(log).toHaveBeenNthCalledWith(2, "invalid", "bug not reproduced in 3 runs");
  });
});
