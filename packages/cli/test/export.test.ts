import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildTraceDataset, localElixirRunner, serializeTraceRecords } from "@otpforge/datasets";
import { cli } from "./helpers.js";

const dir = mkdtempSync(join(tmpdir(), "otpforge-cli-export-"));
const data = join(dir, "traces.jsonl");

beforeAll(async () => {
  const r = await buildTraceDataset({ n: 6, seed: "cli-export", runner: localElixirRunner(2), runs: 1 });
  writeFileSync(data, serializeTraceRecords(r.examples));
}, 240_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("otpforge export", () => {
  it("writes an openai-chat export and reports counts as JSON", async () => {
    const r = await cli(["export", data, "--format", "openai-chat", "--out", join(dir, "chat"), "--json"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { counts: Record<string, number>; files: string[] };
    expect(Object.values(out.counts).reduce((a, b) => a + b, 0)).toBe(6);
    for (const f of out.files) {
      for (const line of readFileSync(f, "utf8").trimEnd().split("\n")) {
        expect((JSON.parse(line) as { messages: { role: string }[] }).messages.map((m) => m.role)).toEqual(["system", "user", "assistant"]);
      }
    }
  });

  it("writes a Hugging Face layout with a dataset card", async () => {
    const r = await cli(["export", data, "--format", "hf", "--out", join(dir, "hf")]);
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, "hf", "README.md"), "utf8")).toContain("configs:");
  });

  it("answers bad usage with exit 2 and what to type instead", async () => {
    const missing = await cli(["export", join(dir, "nope.jsonl"), "--format", "hf", "--out", join(dir, "x")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("no such file");
    const badFormat = await cli(["export", data, "--format", "csv", "--out", join(dir, "y")]);
    expect(badFormat.code).toBe(2);
    expect(badFormat.stderr).toContain("openai-chat, hf");
    const again = await cli(["export", data, "--format", "hf", "--out", join(dir, "hf")]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("already exists");
  });
});
