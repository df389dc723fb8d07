import { describe, expect, it } from "vitest";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { catalogEntry } from "@otpforge/otp-signatures";
import { runCli } from "../src/run-cli.js";
import { cli } from "./helpers.js";

// `otpforge verify` runs real Elixir through the sandbox pool; K stays small.

const pair = (id: string) => {
  const e = catalogEntry(id);
  return ["--buggy", e.paths.buggy, "--fixed", e.paths.fixed, "--harness", e.paths.harness];
};

describe("otpforge verify pair", () => {
  it("prints a valid verdict as JSON and exits 0", { timeout: 60_000 }, async () => {
    const r = await cli(["verify", "pair", ...pair("calling-self"), "--runs", "2", "--json"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ verdict: "valid", runs: 2, buggyFailures: 2, fixedFailures: 0, buggyFailureRate: 1, fixedFailureRate: 0 });
    expect(out.reason).toBe("bug reproduced in 2 of 2 runs; fix held in all 2 runs");
  });

  it("prints why a false friend is invalid and exits 1", { timeout: 60_000 }, async () => {
    const r = await cli(["verify", "pair", ...pair("missing-handle-info"), "--runs", "2"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("verdict: invalid");
    expect(r.stdout).toContain("reason: bug not reproduced in 2 runs");
    expect(r.stdout).toContain("buggyFailures: 0 of 2 (0%)");
    expect(r.stdout).toContain("fixedFailures: 0 of 2 (0%)");
  });

  it("shows run progress on stderr only on a terminal", { timeout: 60_000 }, async () => {
    let stdout = "";
    let stderr = "";
    const io = {
      stdout: (t: string) => (stdout += t),
      stderr: (t: string) => (stderr += t),
      isTTY: true,
      cwd: process.cwd(),
      env: process.env,
    };
    const code = await runCli(["verify", "pair", ...pair("calling-self"), "--runs", "2"], io);
    expect(code).toBe(0);
    expect(stderr).toContain("runs: buggy 2/2  fixed 2/2");
    expect(stdout).not.toContain("runs: buggy");
    expect(stdout).toContain("verdict: valid");
  });

  it("resolves relative paths against the working directory", { timeout: 60_000 }, async () => {
    const e = catalogEntry("calling-self");
    const dir = join(e.paths.buggy, "..");
    const r = await cli(
      ["verify", "pair", "--buggy", "buggy.ex", "--fixed", "fixed.ex", "--harness", "harness.exs", "--runs", "1", "--json"],
      process.env,
      dir,
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).verdict).toBe("valid");
  });

  it("exits 2 on a missing file or a missing option, naming it", async () => {
    const dir = await mkdtemp(join(tmpdir(), "otpforge-verify-"));
    const e = catalogEntry("calling-self");
    const missing = await cli(["verify", "pair", "--buggy", join(dir, "nope.ex"), "--fixed", e.paths.fixed, "--harness", e.paths.harness]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read --buggy .*nope\.ex: no such file/);

    const noHarness = await cli(["verify", "pair", "--buggy", e.paths.buggy, "--fixed", e.paths.fixed]);
    expect(noHarness.code).toBe(2);
    expect(noHarness.stderr).toContain("missing --harness");

    const badRuns = await cli(["verify", "pair", ...pair("calling-self"), "--runs", "0"]);
    expect(badRuns.code).toBe(2);
    expect(badRuns.stderr).toContain("--runs must be an integer >= 1");

    const noSub = await cli(["verify"]);
    expect(noSub.code).toBe(2);
    expect(noSub.stderr).toContain("otpforge verify pair");
  });
});

describe("otpforge verify catalog", () => {
  it("verifies the chosen entries: reference pair valid, false friend invalid, exit 0", { timeout: 90_000 }, async () => {
    const r = await cli(["verify", "catalog", "--only", "calling-self,local-variable-counter", "--runs", "2", "--json"]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.ok).toBe(true);
    expect(out.unexpected).toEqual([]);
    expect(out.entries.map((e: { id: string; verdict: string; ok: boolean }) => [e.id, e.verdict, e.ok])).toEqual([
      ["calling-self", "valid", true],
      ["local-variable-counter", "invalid", true],
    ]);
  });

  it("prints a table in text mode", { timeout: 60_000 }, async () => {
    const r = await cli(["verify", "catalog", "--only", "calling-self", "--runs", "1"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ok +calling-self +anti-pattern +expected valid +got valid/m);
    expect(r.stdout).toContain("Every reference pair is valid and every false friend invalid.");
  });

  it("rejects an unknown entry id with the known ones", async () => {
    const r = await cli(["verify", "catalog", "--only", "no-such-entry"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('No catalog entry "no-such-entry"');
    expect(r.stderr).toContain("call-cycle");
  });
});
