import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FakeProviderServer, type FakeRequest } from "@otpforge/core/testing";
import { fixBugCases } from "@otpforge/otp-signatures";
import { loadCompiledFile } from "@otpforge/teleprompters";
import { FixBugProgram } from "@otpforge/otp-signatures";
import { cli } from "./helpers.js";

// Built-in compile tasks whose metric runs Elixir (fix-bug), and --report.
// The fake model returns the catalog's reference fix for the buggy code it is
// shown, except for one case where it returns the buggy code unchanged: the
// held-out harness must reject that one.
const cases = fixBugCases();
const broken = cases[1]!;

function fixer(req: FakeRequest): string {
  const last = req.messages.at(-1)!.content;
  const c = cases.find((x) => last.includes(x.buggy_code.trim()));
  const code = !c ? "" : c.id === broken.id ? c.buggy_code : (c.reference_fix ?? "");
  return `[[ ## fixed_code ## ]]\n${code}\n\n[[ ## completed ## ]]`;
}

let server: FakeProviderServer;
let dir: string;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  server = await FakeProviderServer.start({ handler: fixer });
  dir = await mkdtemp(join(tmpdir(), "otpforge-cli-tasks-"));
  env = {
    PATH: process.env.PATH,
    OPENAI_API_KEY: "sk-test-tasks",
    OPENAI_BASE_URL: server.openaiBaseURL,
    OTPFORGE_CACHE_DIR: join(dir, "cache"),
  };
  // A small trainset: the broken case first, then three the model fixes.
  const lines = [broken, ...cases.filter((c) => c.id !== broken.id).slice(0, 3)].map((c) => JSON.stringify(c));
  await writeFile(join(dir, "fix-train.jsonl"), lines.join("\n") + "\n");
});
afterAll(async () => {
  await server.close();
});

describe("otpforge compile fix-bug", () => {
  it("bootstraps only fixes that pass the held-out harness on the BEAM, and writes a report", async () => {
    const r = await cli(
      [
        "compile",
        "fix-bug",
        "--trainset",
        "fix-train.jsonl",
        "--lm",
        "openai/gpt-4o-mini",
        "--max-demos",
        "2",
        "--max-labeled",
        "2",
        "--concurrency",
        "2",
        "--out",
        "build/fix",
        "--report",
        "reports/fix.html",
        "--json",
      ],
      env,
      dir,
    );
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.task).toBe("fix-bug");
    const program = await loadCompiledFile(new FixBugProgram(), join(dir, "build/fix"));
    const demos = program.fix.demos as Array<{ buggy_code: string; fixed_code: string }>;
    expect(demos).toHaveLength(2);
    // The case whose "fix" was the buggy code failed the harness, so it is not a bootstrapped demo.
    expect(demos.some((d) => d.buggy_code === broken.buggy_code)).toBe(false);
    expect(summary.scores.bootstrap.passed).toBe(2);
    const html = await readFile(join(dir, "reports/fix.html"), "utf8");
    expect(html).toContain("otpforge compile: fix-bug");
    expect(html).toContain("Compiled prompt");
  }, 300_000);

  it("refuses a task that is neither built in nor a file, listing the built-in tasks", async () => {
    const r = await cli(["compile", "nope", "--trainset", "x.jsonl", "--out", "o"], env, dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("trace, fix-bug, design");
  });
});
