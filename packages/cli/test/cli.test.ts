import { describe, it, expect } from "vitest";
import { cli } from "./helpers.js";

describe("otpforge command", () => {
  it("lists every verb in --help", async () => {
    const r = await cli(["--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/demo/);
  });

  it("rejects an unknown verb with exit 2 and the list of verbs", async () => {
    const r = await cli(["frobnicate"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown verb "frobnicate"');
    expect(r.stderr).toContain("demo");
  });

  it("prints per-verb help with examples", async () => {
    const r = await cli(["demo", "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Examples:");
  });
});
