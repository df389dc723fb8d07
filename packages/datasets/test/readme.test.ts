// Runs the README's TypeScript example as written (imports mapped to the packages).
import { expect, it, vi } from "vitest";
import * as beam from "@otpforge/beam";
import * as datasets from "@otpforge/datasets";
import { runSnippet, tsBlock } from "../../../test-support/readme-snippets.js";

const MODULES: Record<string, Record<string, unknown>> = { "@otpforge/beam": beam, "@otpforge/datasets": datasets };

it("the README example builds a small verified dataset", async () => {
  const log = vi.spyOn(console, "log").mockImplementation(() => {});
  try {
    await runSnippet(tsBlock(new URL("../README.md", import.meta.url)), MODULES);
    const printed = log.mock.calls.map((c) => c.join(" ")).join("\n");
    expect(printed).toMatch(/observed answer: .+ \((\d+)\/\1 explored schedules agreed\)/);
    expect(printed).toContain("balanced: true");
  } finally {
    log.mockRestore();
  }
}, 180_000);
