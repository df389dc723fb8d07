// Runs the example end to end, over real HTTP, against the fake OpenAI server:
// the same main() users run, with OTPFORGE_LM pointing at openai/gpt-4o-mini
// and OPENAI_BASE_URL at the fake server.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { withSettings, lm } from "@otpforge/core";
import { FakeProviderServer, chatReply, demoAwareReply, inputOf, type FakeRequest } from "@otpforge/core/testing";
import { loadCompiledFile, readArtifact } from "@otpforge/teleprompters";
import { CallTimeoutClassifier, main } from "../src/main.js";
import { TRAIN_SNIPPETS, VAL_SNIPPETS, type Outcome } from "../src/snippets.js";

const exec = promisify(execFile);
// tsx runs the workspace sources only with the packages' source condition (else it would take dist/).
const SOURCE = "--conditions=@otpforge/source";
const root = resolve(import.meta.dirname, "../../..");
const gold = new Map<string, Outcome>([...TRAIN_SNIPPETS, ...VAL_SNIPPETS].map((s) => [s.snippet, s.outcome]));

// A naive reader: anything that sleeps or receives "must" time out.
const naive = (snippet: string): Outcome => (/sleep|receive/.test(snippet) ? "timeout" : "reply");

// The fake model answers from the prompt (the demo-aware model of
// @otpforge/core/testing). Without a demo of a snippet that looks like the
// question's (sleeps or receives, or not) it is the naive reader; a correct
// demo of that look makes it right, a wrong one makes it wrong. So compiling
// lifts the score to 100% only if the kept demos are right.
const flip = (o: string) => (o === "timeout" ? "reply" : "timeout");
const decide = {
  lookup: (f: Record<string, string>) =>
    gold.has(f.snippet ?? "") ? { answer: gold.get(f.snippet!)!, kind: naive(f.snippet!) } : undefined,
  answerField: "outcome",
  mistake: (k: { answer: string }) => flip(k.answer),
  guess: (_k: unknown, f: Record<string, string>) => naive(f.snippet ?? ""),
};
function fakeModel(req: FakeRequest): string {
  const request = { messages: req.messages };
  const snippet = inputOf(request, "snippet") ?? "";
  const last = req.messages.at(-1)?.content ?? "";
  if (last.includes("[[ ## outcome ## ]]")) return demoAwareReply(req.messages, decide);
  return chatReply({ reasoning: "The reply is sent by the server or a helper process.", reply_path: `followed ${snippet.split("\n")[0]}` });
}

const dir = mkdtempSync(join(tmpdir(), "otpforge-example-compile-"));
const saved = { ...process.env };
let server: FakeProviderServer;

beforeAll(async () => {
  server = await FakeProviderServer.start({ handler: fakeModel });
  Object.assign(process.env, {
    OTPFORGE_LM: "openai/gpt-4o-mini",
    OPENAI_API_KEY: "sk-example-dummy",
    OPENAI_BASE_URL: server.openaiBaseURL,
    OTPFORGE_CACHE_DIR: join(dir, "cache"),
  });
});

afterAll(async () => {
  process.env = saved;
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("examples/compile-a-program", () => {
  it("compiles, beats zero-shot, saves an artifact whose demos are correct, and the saved program loads and answers", async () => {
    const lines: string[] = [];
    const out = join(dir, "build");
    const result = await main({ out, log: (l) => lines.push(l) });

    const naiveScore = (100 * VAL_SNIPPETS.filter((s) => naive(s.snippet) === s.outcome).length) / VAL_SNIPPETS.length;
    expect(result.before).toBeCloseTo(naiveScore, 6);
    expect(result.before).toBeLessThan(100);
    expect(result.after).toBe(100);
    expect(lines.join("\n")).toContain(`zero-shot on ${VAL_SNIPPETS.length} validation snippets: ${naiveScore.toFixed(1)}%`);
    expect(lines.join("\n")).toContain("compiled on the same snippets: 100.0%");
    expect(lines.join("\n")).toContain(result.artifactPath);

    // The artifact: both predictors tuned, every demo's verdict is the BEAM's.
    expect(result.artifactPath).toBe(join(out, "artifact.json"));
    const artifact = await readArtifact(result.artifactPath);
    expect(artifact.name).toBe("call-timeout-classifier");
    const predictor = (name: string) => artifact.predictors.find((p) => p.name === name)!;
    expect(artifact.predictors.map((p) => p.name)).toEqual(["follow", "decide"]);
    const decideDemos = predictor("decide").demos;
    expect(decideDemos.length).toBeGreaterThan(0);
    for (const demo of decideDemos) expect(demo.outcome).toBe(gold.get(String(demo.snippet)));
    expect(predictor("follow").demos.length).toBeGreaterThan(0);
    expect(readFileSync(result.artifactPath, "utf8")).not.toContain("sk-example-dummy");

    // Rendered prompts: one file per predictor, demos as user/assistant turns.
    for (const name of ["follow", "decide"]) expect(existsSync(join(out, "prompts", `${name}.json`))).toBe(true);
    const decidePrompt = JSON.parse(readFileSync(join(out, "prompts", "decide.json"), "utf8"));
    expect(decidePrompt.messages.filter((m: { role: string }) => m.role === "assistant")).toHaveLength(decideDemos.length);
    expect(decidePrompt.messages.at(-1).content).toContain("{{snippet}}");

    // A fresh program loaded from the file answers a snippet the naive reader gets wrong.
    const loaded = await loadCompiledFile(new CallTimeoutClassifier(), result.artifactPath);
    const hard = VAL_SNIPPETS.find((s) => naive(s.snippet) !== s.outcome)!;
    const pred = await withSettings({ lm: lm("openai/gpt-4o-mini") }, () => loaded.forward({ snippet: hard.snippet }));
    expect(pred.outputs.outcome).toBe(hard.outcome);
  });

  it("runs from the command line with --lm, and without a model says how to set one (exit 2)", async () => {
    const tsx = join(root, "node_modules", ".bin", "tsx");
    const script = join(root, "examples", "compile-a-program", "src", "main.ts");
    const out = join(dir, "cli-build");
    const { OTPFORGE_LM: _unset, ...env } = process.env;
    const ok = await exec(tsx, [SOURCE, script, "--lm", "openai/gpt-4o-mini", "--out", out], { cwd: dir, env });
    expect(ok.stdout).toContain("compiled on the same snippets: 100.0%");
    expect(existsSync(join(out, "artifact.json"))).toBe(true);

    const failed = await exec(tsx, [SOURCE, script], { cwd: dir, env }).then(
      () => ({ code: 0, stderr: "" }),
      (err: { code: number; stderr: string }) => err,
    );
    expect(failed.code).toBe(2);
    expect(failed.stderr).toContain(
      "No language model is configured: set OTPFORGE_LM (or pass --lm) to provider/model, e.g. openai/gpt-5-mini",
    );
  });
});
