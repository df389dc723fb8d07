// `otpforge dataset scenarios` over real HTTP against the fake OpenAI server
// playing a scripted generator (a valid pair in the setting's own names for
// most attempts, a pair whose bug never shows for some), and `verify scenario`
// on what it kept; `eval fix-bug` on the generated file. A session killed
// mid-generation and run again writes the same file as an uninterrupted one.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createPool } from "@otpforge/beam";
import { hashValue, withSettings } from "@otpforge/core";
import { chatFields, chatReply, FakeProviderServer, ScriptedLM } from "@otpforge/core/testing";
import { generateScenarios, ScenarioDatasetWriter } from "@otpforge/datasets";
import { ScenarioProgram } from "@otpforge/otp-signatures";
import { scriptedScenarioAnswers, validScenarioFor } from "@otpforge/datasets/internal";
import { cli } from "./helpers.js";

const ROOT = join(import.meta.dirname, "..", "..", "..");
const TSX = join(ROOT, "node_modules", ".bin", "tsx");
const MAIN = join(ROOT, "packages", "cli", "src", "main.ts");

let server: FakeProviderServer;
let dir: string;
let env: NodeJS.ProcessEnv;
const answers = scriptedScenarioAnswers();

// Most attempts get a pair that verifies (in the prompt's own names), some one whose bug never shows.
function answerFor(prompt: string): string {
  const kind = parseInt(hashValue(prompt).slice(6, 8), 16) % 3 === 0 ? "no-bug" : "valid";
  return chatReply(kind === "valid" ? validScenarioFor(prompt) : (answers["no-bug"] as Record<string, string>));
}

/**
 * A fixer for the eval: the generated pairs' bug is a callback that calls its
 * own API (`Svc.members() |> Enum.reduce(...)` in size/0); it fixes that by
 * reducing over the state, except in the module named `skip`, which it
 * returns unchanged.
 */
let skip = "";
function fixFor(buggy: string): string {
  if (buggy.includes(`defmodule ${skip} do`)) return chatReply({ fixed_code: buggy });
  return chatReply({ fixed_code: buggy.replace(/\b\w+\.members\(\) \|> Enum\.reduce\(0,/, "Enum.reduce(entries, 0,") });
}

beforeAll(async () => {
  server = await FakeProviderServer.start({
    handler: (req) => {
      const last = [...req.messages].reverse().find((m) => m.role === "user")!;
      const fields = chatFields(last.content);
      return fields.buggy_code !== undefined ? fixFor(fields.buggy_code) : answerFor(fields.anti_pattern ?? "");
    },
  });
  dir = mkdtempSync(join(tmpdir(), "otpforge-scenarios-"));
  env = {
    PATH: process.env.PATH,
    OPENAI_API_KEY: "sk-test-scenarios",
    OPENAI_BASE_URL: server.openaiBaseURL,
    OTPFORGE_CACHE_DIR: join(dir, "cache"),
  };
});
afterAll(async () => {
  await server?.close();
});

const args = (out: string, extra: string[] = []) => [
  "dataset",
  "scenarios",
  "--lm",
  "openai/gpt-4o-mini",
  "--n",
  "4",
  "--seed",
  "k1",
  "--runs",
  "2",
  "--out",
  out,
  "--pool-size",
  "1",
  ...extra,
];

describe("otpforge dataset scenarios", () => {
  it(
    "keeps the pairs the BEAM proves, prints the acceptance table, and verify scenario checks a record again",
    { timeout: 240_000 },
    async () => {
      const r = await cli(args("a.jsonl"), env, dir);
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/a\.jsonl: 4\/4 pairs kept from \d+ attempts/);
      expect(r.stdout).toMatch(/^ {2}total\s+\d+/m);
      const records = readFileSync(join(dir, "a.jsonl"), "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l));
      expect(records).toHaveLength(4);
      const attempts = readFileSync(join(dir, "a.attempts.jsonl"), "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l));
      // Every attempt is accounted for: kept, or its cause. The Tally pair's "bug" shows in no run
      // and no interleaving: the first is a negative example, the later ones duplicates of it.
      expect(attempts.length).toBeGreaterThan(5);
      const others = attempts.filter((a) => a.outcome !== "kept").map((a) => a.outcome);
      expect(others).toEqual(["false_friend", ...others.slice(1).map(() => "duplicate")]);
      const negatives = readFileSync(join(dir, "a.negatives.jsonl"), "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l));
      expect(negatives).toHaveLength(1);
      expect(negatives[0]).toMatchObject({
        kind: "false_friend",
        is_bug: false,
        verification: { verdict: "not_a_bug", exploration: { complete: true } },
      });
      expect(r.stdout).toMatch(/a\.negatives\.jsonl: 1 false friend \(/);
      const stats = JSON.parse(readFileSync(join(dir, "a.stats.json"), "utf8"));
      expect(stats).toMatchObject({ kept: 4, negatives: 1 });
      expect(stats.acceptance.total).toMatchObject({
        generated: attempts.length,
        counts: { kept: 4, false_friend: 1, duplicate: attempts.length - 5 },
      });
      const again = await cli(["verify", "scenario", "--data", "a.jsonl", "--id", records[0].id, "--json"], env, dir);
      expect(again.code).toBe(0);
      expect(JSON.parse(again.stdout)).toMatchObject({ verdict: "valid", runs: 2, buggyFailures: 2, fixedFailures: 0 });
    },
  );

  it("eval fix-bug grades a program on the generated file, and refuses its negatives file", { timeout: 240_000 }, async () => {
    const records = readFileSync(join(dir, "a.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    skip = /defmodule (\w+) do/.exec(records[0].buggy_code)![1]!;
    const r = await cli(["eval", "fix-bug", "--data", "a.jsonl", "--lm", "openai/gpt-4o-mini", "--runs", "2", "--json"], env, dir);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ task: "fix-bug", n: 4, errors: 0 });
    expect(out.score).toBeCloseTo(3 / 4);
    const byId = Object.fromEntries(out.records.map((x: { id: string }) => [x.id, x]));
    expect(byId[records[0].id]).toMatchObject({ passed: false, failedCheck: "fail_to_pass" });
    for (const rec of records.slice(1)) expect(byId[rec.id]).toMatchObject({ passed: true });
    const negatives = await cli(["eval", "fix-bug", "--data", "a.negatives.jsonl", "--lm", "openai/gpt-4o-mini"], env, dir);
    expect(negatives.code).toBe(2);
    expect(negatives.stderr).toMatch(/a false friend \(a negative example: its "bug" is none\)/);
  });

  it(
    "verify scenario replays a record kept on the explorer's witness, and refuses one whose witness no longer fails",
    { timeout: 240_000 },
    async () => {
      // The greeter pair: its bug shows in no real run, only in the explorer's witness.
      const pool = await createPool({ size: 1 });
      const out = join(dir, "w.jsonl");
      try {
        const lm = new ScriptedLM(() => chatReply(answers["rare-race"] as Record<string, string>));
        const targets = [{ id: "rare-race", category: "race" as const, antiPattern: "a message race" }];
        const result = await withSettings({ lm }, () =>
          generateScenarios({ n: 1, seed: "w", program: new ScenarioProgram(), pool, runs: 2, targets, maxAttempts: 1 }),
        );
        expect(result.records).toHaveLength(1);
        const writer = new ScenarioDatasetWriter(out, {
          generator: "test",
          seed: "w",
          runs: 2,
          targets: ["rare-race"],
          model: null,
          program: "",
        });
        for (const a of result.attempts) writer.append(a);
        writer.finish(result.records, {}, result.negatives);
        const tampered = { ...result.records[0]!, id: "scn-000000000000", buggy_code: result.records[0]!.fixed_code };
        writeFileSync(join(dir, "w-tampered.jsonl"), JSON.stringify(tampered) + "\n");
      } finally {
        await pool.close();
      }
      const id = JSON.parse(readFileSync(out, "utf8")).id;
      const r = await cli(["verify", "scenario", "--data", "w.jsonl", "--id", id, "--runs", "2", "--json"], env, dir);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({
        verdict: "valid",
        buggyFailures: 0,
        fixedFailures: 0,
        witness: { outcome: "{:error, {:first_greeting, :late}}", reached: "{:error, {:first_greeting, :late}}" },
      });
      const bad = await cli(["verify", "scenario", "--data", "w-tampered.jsonl", "--id", "scn-000000000000", "--runs", "2"], env, dir);
      expect(bad.code).toBe(1);
      expect(bad.stdout).toMatch(/verdict: invalid/);
      expect(bad.stdout).toMatch(/the witness schedule now reaches :ok/);
    },
  );

  it("refuses to continue a file under another seed, and a file it did not write", { timeout: 60_000 }, async () => {
    const other = await cli(args("a.jsonl", ["--seed", "k2"]), env, dir);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/generated with --seed "k1", not "k2"/);
    writeFileSync(join(dir, "mine.jsonl"), '{"my": "data"}\n');
    const foreign = await cli(args("mine.jsonl"), env, dir);
    expect(foreign.code).toBe(2);
    expect(foreign.stderr).toMatch(/not made by `otpforge dataset scenarios`/);
    expect(readFileSync(join(dir, "mine.jsonl"), "utf8")).toBe('{"my": "data"}\n');
  });

  it("a session killed mid-generation, run again, writes the file an uninterrupted session writes", { timeout: 240_000 }, async () => {
    const log = join(dir, "b.attempts.jsonl");
    const child = spawn(TSX, ["--conditions=@otpforge/source", MAIN, ...args("b.jsonl")], { cwd: dir, env, stdio: "ignore" });
    const exited = new Promise((r) => child.on("exit", r));
    for (let i = 0; i < 600 && !(existsSync(log) && readFileSync(log, "utf8").split("\n").length > 2); i++)
      await new Promise((r) => setTimeout(r, 100));
    child.kill("SIGKILL");
    await exited;
    expect(existsSync(join(dir, "b.jsonl"))).toBe(false);
    const cut = readFileSync(log, "utf8").split("\n").filter(Boolean).length;
    expect(cut).toBeGreaterThanOrEqual(2);
    const resumed = await cli(args("b.jsonl"), env, dir);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(new RegExp(`\\(${cut} from earlier sessions\\)`));
    expect(readFileSync(join(dir, "b.jsonl"), "utf8")).toBe(readFileSync(join(dir, "a.jsonl"), "utf8"));
  });
});
