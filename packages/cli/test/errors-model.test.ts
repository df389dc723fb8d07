// The CLI's one error model (run-cli.ts): an error with a code and category
// "input" exits 2, category "run" exits 1, both as `otpforge <verb>: message`
// without a stack; anything else is an internal error (exit 1, stack). Under
// --json each is also one JSON object on stdout. No BEAM needed.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { mkdtemp, readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FakeProviderServer, type FakeRequest } from "@otpforge/core/testing";
import { cli } from "./helpers.js";

const SPELL = join(import.meta.dirname, "fixtures", "spell-task.ts");
const THROWING = join(import.meta.dirname, "fixtures", "throwing-task.ts");
const WORDS = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot"];

function spell(req: FakeRequest): string {
  const word = /spell (\w+)/.exec(req.messages.at(-1)!.content)?.[1] ?? "";
  return `[[ ## answer ## ]]\n${word.toUpperCase()}\n\n[[ ## completed ## ]]`;
}

/** The one JSON object a failing verb prints under --json. */
function jsonError(stdout: string) {
  const lines = stdout.trim().split("\n");
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0]!) as { ok: boolean; error: { code: string; kind: string; message: string } };
}

let server: FakeProviderServer;
let dir: string;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  server = await FakeProviderServer.start({ handler: spell });
  dir = await mkdtemp(join(tmpdir(), "otpforge-cli-errors-"));
  const jsonl = WORDS.map((w) => JSON.stringify({ question: `spell ${w}`, answer: w.toUpperCase() })).join("\n") + "\n";
  for (const f of ["train.jsonl", "run-error.jsonl", "input-error.jsonl", "eacces.jsonl", "bug.jsonl"])
    await writeFile(join(dir, f), jsonl);
  env = {
    PATH: process.env.PATH,
    OPENAI_API_KEY: "sk-test-cli",
    OPENAI_BASE_URL: server.openaiBaseURL,
    OTPFORGE_CACHE_DIR: join(dir, "cache"),
  };
});
afterAll(async () => {
  await server.close();
});

const labeled = (trainset: string, ...more: string[]) => [
  "compile",
  THROWING,
  "--trainset",
  trainset,
  "--optimizer",
  "labeled",
  "--out",
  "build/x",
  ...more,
];

describe("one error model", () => {
  it("bad usage: exit 2, `otpforge <verb>: message`, and under --json {ok:false,error:{code:USAGE,kind:input}}", async () => {
    const r = await cli(["export", "a.jsonl", "b.jsonl", "--format", "hf", "--out", "x", "--json"], env, dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^otpforge export: give exactly one dataset file/);
    expect(jsonError(r.stdout)).toEqual({
      ok: false,
      error: { code: "USAGE", kind: "input", message: expect.stringContaining("give exactly one dataset file") },
    });

    const unknown = await cli(["frobnicate", "--json"], env, dir);
    expect(unknown.code).toBe(2);
    expect(jsonError(unknown.stdout).error).toMatchObject({ code: "USAGE", kind: "input" });
  });

  it("a corrupt compile checkpoint is bad input: exit 2, the path and what to do, no stack, JSON on stdout", async () => {
    const out = join(dir, "build/ckpt");
    const args = ["compile", SPELL, "--trainset", "train.jsonl", "--lm", "openai/gpt-4o-mini", "--out", out];
    const stopped = await cli([...args, "--budget-calls", "2"], env, dir);
    expect(stopped.code).toBe(0);
    const [file] = await readdir(join(out, ".checkpoint"));
    expect(file).toMatch(/\.checkpoint\.json$/);
    const path = join(out, ".checkpoint", file!);

    for (const garbage of [
      "{ not json",
      "null",
      JSON.stringify({ kind: "otpforge.checkpoint", version: 1, runKey: "x", sections: { s: null } }),
    ]) {
      await writeFile(path, garbage);
      const r = await cli([...args, "--budget-calls", "100", "--json"], env, dir);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`otpforge compile: checkpoint ${path} is unreadable`);
      expect(r.stderr).toContain(
        `delete it to start the run afresh (or delete ${join(out, ".checkpoint")}, every checkpoint of this output)`,
      );
      expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
      expect(jsonError(r.stdout).error).toMatchObject({ code: "CHECKPOINT_UNREADABLE", kind: "input" });
    }
  });

  it("an OtpforgeError compile.ts does not list is mapped by its category: input exit 2, run exit 1", async () => {
    const input = await cli(labeled("input-error.jsonl", "--json"), env, dir);
    expect(input.code).toBe(2);
    expect(input.stderr).toBe("otpforge compile: the fixture's input is wrong\n");
    expect(jsonError(input.stdout)).toEqual({
      ok: false,
      error: { code: "FIXTURE_BAD_INPUT", kind: "input", message: "the fixture's input is wrong" },
    });

    const run = await cli(labeled("run-error.jsonl", "--json"), env, dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe("otpforge compile: the fixture's work failed\n");
    expect(jsonError(run.stdout).error).toMatchObject({ code: "FIXTURE_RUN_FAILED", kind: "run" });

    const text = await cli(labeled("run-error.jsonl"), env, dir);
    expect(text.code).toBe(1);
    expect(text.stdout).toBe("");
  });

  it("a filesystem error about a user's path is bad input with the path (EACCES)", async () => {
    const r = await cli(labeled("eacces.jsonl", "--json"), env, dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("otpforge compile: /data/secret.jsonl: permission denied (EACCES, open)\n");
    expect(jsonError(r.stdout).error).toMatchObject({ code: "EACCES", kind: "input" });
  });

  it("an unknown error is an internal error: exit 1, the stack on stderr, JSON under --json", async () => {
    const r = await cli(labeled("bug.jsonl", "--json"), env, dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^otpforge compile: internal error: TypeError: a bug in the fixture\n\s+at /);
    expect(jsonError(r.stdout)).toEqual({ ok: false, error: { code: "INTERNAL", kind: "run", message: "a bug in the fixture" } });
  });

  it("a version clash on publish is a failed run (VERSION_EXISTS, exit 1), a tampered artifact bad input", async () => {
    for (const [out, seed] of [
      ["build/a", "1"],
      ["build/b", "2"],
    ] as const) {
      const c = await cli(
        ["compile", SPELL, "--trainset", "train.jsonl", "--optimizer", "labeled", "--max-labeled", "2", "--seed", seed, "--out", out],
        env,
        dir,
      );
      expect(c.code).toBe(0);
    }
    expect((await cli(["publish", "build/a", "--to", "registry", "--version", "1.0.0"], env, dir)).code).toBe(0);
    const clash = await cli(["publish", "build/b", "--to", "registry", "--version", "1.0.0", "--json"], env, dir);
    expect(clash.code).toBe(1);
    expect(jsonError(clash.stdout).error).toMatchObject({ code: "VERSION_EXISTS", kind: "run" });
    const missing = await cli(["publish", "nowhere", "--to", "registry", "--json"], env, dir);
    expect(missing.code).toBe(2);
    expect(jsonError(missing.stdout).error).toMatchObject({ code: "ARTIFACT_FORMAT", kind: "input" });
  });
});
