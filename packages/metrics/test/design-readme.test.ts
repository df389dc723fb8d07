// Runs the README's design usage block as written (test-support/readme-snippets.ts,
// imports bound to the workspace packages): a reference design scores 1.00 on
// the BEAM, and a design that fails a behaviour its story requires is capped.
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
  it("runs the design verification example on the BEAM", { timeout: 60_000 }, async () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    await runSnippet(
      tsBlock(new URL("../README.md", import.meta.url), "## System design: verification, the design metric and the design eval"),
      MODULES,
    );
    expect(log).toHaveBeenNthCalledWith(1, "checked", 1, "4 of 4 requirements hold");
    expect(log).toHaveBeenNthCalledWith(2, true, "3 of 4 requirements hold (score capped at 0.50: a behaviour the story requires fails)");
    expect(log).toHaveBeenNthCalledWith(
      3,
      "closed-connection-replaced",
      "normal_exit",
      expect.stringMatching(/exited normally and was not replaced/),
    );
    expect(log).toHaveBeenCalledTimes(3);
  });
});
