// `otpforge dataset scenarios` over real HTTP against the fake OpenAI server
// playing a scripted generator (a valid pair in the setting's own names for
// most attempts, a pair whose bug never shows for some), and `verify scenario`
// on what it kept. A session killed mid-generation and run again writes the
// same file as an uninterrupted one.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hashValue } from "@otpforge/core";
import { chatFields, chatReply, FakeProviderServer } from "@otpforge/core/testing";
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

beforeAll(async () => {
  server = await FakeProviderServer.start({
    handler: (req) => {
      const last = [...req.messages].reverse().find((m) => m.role === "user")!;
      return answerFor(chatFields(last.content).anti_pattern ?? "");
    },
  });
  dir = mkdtempSync(join(tmpdir(), "otpforge-scenarios-"));
  env = { PATH: process.env.PATH, OPENAI_API_KEY: "sk-test-scenarios", OPENAI_BASE_URL: server.openaiBaseURL, OTPFORGE_CACHE_DIR: join(dir, "cache") };
});
afterAll(async () => {
  await server?.close();
});

const args = (out: string, extra: string[] = []) => ["dataset", "scenarios", "--lm", "openai/gpt-4o-mini", "--n", "4", "--seed", "k1", "--runs", "2", "--out", out, "--pool-size", "1", ...extra];

describe("otpforge dataset scenarios", () => {
  it("keeps the pairs the BEAM proves, prints the acceptance table, and verify scenario checks a record again", { timeout: 240_000 }, async () => {
    const r = await cli(args("a.jsonl"), env, dir);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/a\.jsonl: 4\/4 pairs kept from \d+ attempts/);
    expect(r.stdout).toMatch(/^ {2}total\s+\d+/m);
    const records = readFileSync(join(dir, "a.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(records).toHaveLength(4);
    const attempts = readFileSync(join(dir, "a.attempts.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    // Every attempt is accounted for: kept, or its cause (here only bugs that never show).
    expect(attempts.length).toBeGreaterThan(4);
    expect(new Set(attempts.map((a) => a.outcome))).toEqual(new Set(["kept", "bug_not_shown"]));
    const stats = JSON.parse(readFileSync(join(dir, "a.stats.json"), "utf8"));
    expect(stats.acceptance.total).toMatchObject({ generated: attempts.length, counts: { kept: 4, bug_not_shown: attempts.length - 4 } });
    const again = await cli(["verify", "scenario", "--data", "a.jsonl", "--id", records[0].id, "--json"], env, dir);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ verdict: "valid", runs: 2, buggyFailures: 2, fixedFailures: 0 });
  });

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
    for (let i = 0; i < 600 && !(existsSync(log) && readFileSync(log, "utf8").split("\n").length > 2); i++) await new Promise((r) => setTimeout(r, 100));
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
