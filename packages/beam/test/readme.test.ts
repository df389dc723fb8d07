// The README's usage snippet, run as written (test-support/readme-snippets.ts, the import bound to the sources).
import { describe, expect, it } from "vitest";
import * as beam from "../src/index.js";
import type { JobResult } from "../src/index.js";
import { runSnippet, tsBlock } from "../../../test-support/readme-snippets.js";

describe("README", () => {
  it("its usage snippet runs and gives what its comments say", async () => {
    const { r: result } = (await runSnippet(
      tsBlock(new URL("../README.md", import.meta.url)),
      { "@otpforge/beam": beam },
      { expose: ["r"] },
    )) as { r: JobResult };
    expect(result.status).toBe("ok");
    expect(result.value).toBe("42");
    expect(result.valueJson).toBe(42);
  });

  it("its preload snippet runs and gives what its comment says", async () => {
    const { r } = (await runSnippet(
      tsBlock(new URL("../README.md", import.meta.url), "## Preloads"),
      { "@otpforge/beam": beam },
      { expose: ["r"] },
    )) as { r: JobResult };
    expect(r.status, r.message).toBe("ok");
    expect(r.value).toBe("42");
  });
});
