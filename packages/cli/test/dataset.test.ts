import { describe, it, expect, beforeAll } from "vitest";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseTraceRecords } from "@otpforge/datasets";
import { traceAnswer } from "@otpforge/metrics";
import { parseTerm } from "@otpforge/otp-signatures";
import { cli } from "./helpers.js";

const dir = mkdtempSync(join(tmpdir(), "otpforge-dataset-"));
const out = join(dir, "traces.jsonl");
const args = [
  "dataset",
  "traces",
  "--n",
  "6",
  "--seed",
  "cli-1",
  "--out",
  out,
  "--families",
  "final_state,call_result",
  "--concurrent-share",
  "0",
  "--pool-size",
  "2",
  "--json",
];
let first: { code: number; stdout: string; stderr: string };
let bytes: string;

beforeAll(async () => {
  first = await cli(args);
  bytes = existsSync(out) ? readFileSync(out, "utf8") : "";
}, 240_000);

describe("otpforge dataset traces", () => {
  it("writes the dataset, its statistics and no checkpoint, and reports JSON", () => {
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    const report = JSON.parse(first.stdout);
    expect(report).toMatchObject({ complete: true, added: 6, examples: 6, balance: { ok: true } });
    expect(report.families.final_state.count).toBe(3);
    expect(existsSync(join(dir, "traces.stats.json"))).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, "traces.stats.json"), "utf8")).examples).toBe(6);
    expect(existsSync(`${out}.partial`)).toBe(false);
  });

  it("writes answers the traceAnswer metric reads back as exactly right", () => {
    const examples = parseTraceRecords(bytes, out);
    expect(examples).toHaveLength(6);
    for (const e of examples) {
      expect(() => parseTerm(e.answer)).not.toThrow();
      expect(traceAnswer(e, e.answer).score).toBe(1);
    }
  });

  it("completes an existing file without duplicating ids, and leaves a complete one unchanged", async () => {
    const again = await cli(args);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).added).toBe(0);
    expect(readFileSync(out, "utf8")).toBe(bytes);
  });

  it("resumes an interrupted run from its checkpoint and ends with the same file", async () => {
    const lines = bytes.trim().split("\n");
    rmSync(out);
    // As if killed after two records, in the middle of writing the third.
    writeFileSync(`${out}.partial`, `${lines[0]}\n${lines[1]}\n${lines[2].slice(0, 40)}`);
    const resumed = await cli(args);
    expect(resumed.code).toBe(0);
    // The checkpoint's last world may be cut off: its records are made again.
    const indexes = lines.slice(0, 2).map((l) => JSON.parse(l).provenance.worldIndex as number);
    const kept = indexes.filter((i) => i !== Math.max(...indexes)).length;
    expect(JSON.parse(resumed.stdout).added).toBe(6 - kept);
    expect(readFileSync(out, "utf8")).toBe(bytes);
    expect(existsSync(`${out}.partial`)).toBe(false);
  }, 240_000);

  it("refuses to complete a file with another seed (exit 2)", async () => {
    const r = await cli([
      "dataset",
      "traces",
      "--n",
      "8",
      "--seed",
      "cli-2",
      "--out",
      out,
      "--families",
      "final_state,call_result",
      "--concurrent-share",
      "0",
      "--pool-size",
      "2",
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/generated with seed cli-1/);
  }, 120_000);

  it("exits 1 when the world budget runs out, keeping what it made", async () => {
    const small = join(dir, "small.jsonl");
    const r = await cli([
      "dataset",
      "traces",
      "--n",
      "30",
      "--seed",
      "cli-3",
      "--out",
      small,
      "--max-worlds",
      "1",
      "--concurrent-share",
      "0",
      "--pool-size",
      "2",
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/world budget ran out/);
    expect(existsSync(small)).toBe(true);
  }, 240_000);

  it("rejects bad usage with exit 2 and says what to fix", async () => {
    expect((await cli(["dataset", "traces", "--n", "5", "--seed", "1"])).stderr).toMatch(/--out F.jsonl is required/);
    const fam = await cli([
      "dataset",
      "traces",
      "--n",
      "5",
      "--seed",
      "1",
      "--out",
      join(dir, "x.jsonl"),
      "--families",
      "final_state,vibes",
    ]);
    expect(fam.code).toBe(2);
    expect(fam.stderr).toMatch(/unknown vibes; known: final_state/);
    const diff = await cli(["dataset", "traces", "--n", "5", "--seed", "1", "--out", join(dir, "x.jsonl"), "--difficulty", "extreme"]);
    expect(diff.stderr).toMatch(/--difficulty must be one of easy, medium, hard/);
    expect((await cli(["dataset", "scenarios"])).code).toBe(2);
    writeFileSync(join(dir, "junk.jsonl"), "{not json}\n");
    const junk = await cli(["dataset", "traces", "--n", "5", "--seed", "1", "--out", join(dir, "junk.jsonl")]);
    expect(junk.code).toBe(2);
    expect(junk.stderr).toMatch(/junk.jsonl:1: not valid JSON/);
  });

  it("has help with examples", async () => {
    const r = await cli(["dataset", "--help"]);
    expect(r.stdout).toContain("Examples:");
    expect(r.stdout).toContain("otpforge dataset traces --n 200 --seed 1");
  });
});
