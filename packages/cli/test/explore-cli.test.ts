// `otpforge explore` end to end: the outcome table with witnesses in words,
// --json, --replay of a witness file, --model distributed, and bad input (exit 2).
import { describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EXPLORE_SUITE } from "@otpforge/beam";
import { cli } from "./helpers.js";

const dir = mkdtempSync(join(tmpdir(), "otpforge-explore-"));
// Two independent senders to one receiver: two outcomes.
const race = EXPLORE_SUITE.find((s) => s.name === "two independent senders to one receiver")!.source;
writeFileSync(join(dir, "race.exs"), race);
// A reply racing a relayed message: one outcome on one node, two between nodes.
const relay = EXPLORE_SUITE.find((s) => s.name === "a reply racing a message relayed through a third process")!.source;
writeFileSync(join(dir, "relay.exs"), relay);
writeFileSync(join(dir, "broken.exs"), 'defmodule Scenario do\n  def run, do: File.read!("/etc/passwd")\nend\n');

describe("otpforge explore", () => {
  it("prints every outcome with a witness in words, and --json", async () => {
    const r = await cli(["explore", "race.exs"], {}, dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^2 outcomes over 2 schedules \(model single-node, complete\)/);
    expect(r.stdout).toContain("main.1 sends :a to main");
    expect(r.stdout).toContain("main.2 sends :b to main");
    const j = await cli(["explore", "race.exs", "--json"], {}, dir);
    const result = JSON.parse(j.stdout);
    expect(result.outcomes.map((o: { outcome: string }) => o.outcome).sort()).toEqual(["[:a, :b]", "[:b, :a]"]);
    // A witness file (an outcome object from --json) replays to its outcome.
    const second = result.outcomes.find((o: { outcome: string }) => o.outcome === "[:b, :a]");
    writeFileSync(join(dir, "witness.json"), JSON.stringify(second));
    const again = await cli(["explore", "race.exs", "--replay", "witness.json"], {}, dir);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^outcome \[:b, :a\] \(model single-node\)\n/);
  }, 60_000);

  it("--model distributed finds what only messages in flight can do, and its witnesses replay under that model", async () => {
    const one = await cli(["explore", "relay.exs"], {}, dir);
    expect(one.stdout).toMatch(/^1 outcome over \d+ schedules? \(model single-node, complete\)/);
    const j = await cli(["explore", "relay.exs", "--model", "distributed", "--json"], {}, dir);
    expect(j.code).toBe(0);
    const result = JSON.parse(j.stdout);
    expect(result).toMatchObject({ model: "distributed", complete: true });
    expect(result.outcomes.map((o: { outcome: string }) => o.outcome).sort()).toEqual(["[:relayed, :reply]", "[:reply, :relayed]"]);
    const early = result.outcomes.find((o: { outcome: string }) => o.outcome === "[:relayed, :reply]");
    expect(early.steps).toContain("main receives :relayed from main.1");
    writeFileSync(join(dir, "relay-witness.json"), JSON.stringify(early));
    const again = await cli(["explore", "relay.exs", "--model", "distributed", "--replay", "relay-witness.json"], {}, dir);
    expect(again.stdout).toMatch(/^outcome \[:relayed, :reply\] \(model distributed\)\n/);
    const wrong = await cli(["explore", "relay.exs", "--model", "multi-node"], {}, dir);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(
      /--model multi-node is not a delivery model: use --model single-node \(the default\) or --model distributed/,
    );
  }, 60_000);

  it("exits 2 on a missing file, a bad witness, or a scenario the policy refuses", async () => {
    expect((await cli(["explore", "nope.exs"], {}, dir)).code).toBe(2);
    writeFileSync(join(dir, "bad-witness.json"), '{"witness": "first"}');
    const bad = await cli(["explore", "race.exs", "--replay", "bad-witness.json"], {}, dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/a witness is a JSON array of choice indexes/);
    const refused = await cli(["explore", "broken.exs", "--json"], {}, dir);
    expect(refused.code).toBe(2);
    expect(JSON.parse(refused.stdout)).toMatchObject({
      ok: false,
      error: { code: "EXPLORE_FAILED", message: expect.stringContaining("policy_violation") },
    });
  }, 60_000);
});
