// Runs the example end to end: a real trace dataset built on the BEAM pool,
// then compile and evaluate over real HTTP against the fake OpenAI server.
// The fake model is the demo-aware one of @otpforge/tasks/testing: it answers
// a question right only when its prompt holds a correct demo of the same
// family (gold answers from the dataset the example wrote), wrong when a demo
// of that family is wrong, and otherwise right on a third of the questions.
// So the compiled program beats zero-shot only if its demos are right.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { FakeProviderServer } from "@otpforge/core/testing";
import { traceDemoHandler } from "@otpforge/tasks/testing";
import type { TraceRecord } from "@otpforge/otp-signatures";
import { readArtifact } from "@otpforge/teleprompters";
import { isConcurrentRecord } from "@otpforge/datasets";
import { main } from "../src/main.js";

const exec = promisify(execFile);
// tsx runs the workspace sources only with the packages' source condition (else it would take dist/).
const SOURCE = "--conditions=@otpforge/source";
const root = resolve(import.meta.dirname, "../../..");
const dir = mkdtempSync(join(tmpdir(), "otpforge-example-tune-"));
const out = join(dir, "out");
const saved = { ...process.env };
let server: FakeProviderServer;
let gold: TraceRecord[] | undefined;
const fakeModel = traceDemoHandler(
  () =>
    (gold ??= readFileSync(join(out, "traces.jsonl"), "utf8")
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l))),
);

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

describe("examples/tune-trace-prediction", () => {
  it("builds a verified dataset, compiles on train, and the compiled program beats zero-shot on test", async () => {
    const lines: string[] = [];
    const r = await main({ n: 40, runs: 2, seed: "1", out, log: (l) => lines.push(l) });

    // The dataset: 40 records observed on the BEAM, written to traces.jsonl, all three splits used.
    expect(r.examples).toHaveLength(40);
    const onDisk = readFileSync(r.datasetPath, "utf8")
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(onDisk.map((e) => e.id)).toEqual(r.examples.map((e) => e.id));
    // (Its worlds are sequential ones, each proved deterministic over every explored schedule.)
    for (const e of r.examples) {
      expect(isConcurrentRecord(e)).toBe(false);
      if (!isConcurrentRecord(e)) expect(e.provenance.runsAgreed).toBe(e.provenance.runs);
    }
    const train = r.examples.filter((e) => e.split === "train");
    const test = r.examples.filter((e) => e.split === "test");
    expect(train.length).toBeGreaterThan(0);
    expect(test.length).toBeGreaterThan(0);

    // Zero-shot the fake model is right on some questions only; the compiled program's correct demos help.
    expect(r.zeroShot.n).toBe(test.length);
    expect(r.compiled.n).toBe(test.length);
    expect(r.zeroShot.score).toBeLessThan(1);
    expect(r.compiled.score).toBeGreaterThan(r.zeroShot.score);
    expect(Object.keys(r.compiled.byCategory).sort()).toEqual([...new Set(test.map((e) => e.family))].sort());

    // The comparison printed per family, with the overall line.
    const printed = lines.join("\n");
    expect(printed).toMatch(/family\s+n\s+zero-shot\s+compiled/);
    const pct = (x: number) => `${(100 * x).toFixed(0)}%`;
    for (const family of Object.keys(r.compiled.byCategory)) {
      const z = r.zeroShot.byCategory[family]!.score;
      expect(printed).toMatch(
        new RegExp(`${family}\\s+${r.compiled.byCategory[family]!.n}\\s+${pct(z)}\\s+${pct(r.compiled.byCategory[family]!.score)}`),
      );
    }
    expect(printed).toMatch(new RegExp(`overall\\s+${test.length}\\s+${pct(r.zeroShot.score)}\\s+${pct(r.compiled.score)}`));

    // The artifact: demos come from the train split only, with the observed answers.
    const artifact = await readArtifact(r.artifactPath);
    expect(artifact.name).toBe("trace-predictor");
    const demos = artifact.predictors.find((p) => p.name === "predict")!.demos;
    expect(demos.length).toBeGreaterThan(0);
    for (const demo of demos) {
      const source = r.examples.find((e) => e.question === demo.question && e.event_trace === demo.event_trace);
      expect(source?.split).toBe("train");
      expect(demo.prediction).toBe(source?.answer);
    }
    expect(printed).toContain(r.artifactPath);
    expect(readFileSync(r.artifactPath, "utf8")).not.toContain("sk-example-dummy");
    expect(server.requests.length).toBeGreaterThan(0);
  }, 240_000);

  it("on the command line, stops before any BEAM work when no model is set or a flag is bad (exit 2)", async () => {
    const tsx = join(root, "node_modules", ".bin", "tsx");
    const script = join(root, "examples", "tune-trace-prediction", "src", "main.ts");
    const { OTPFORGE_LM: _unset, ...env } = process.env;
    const run = (args: string[]) =>
      exec(tsx, [SOURCE, script, ...args, "--out", join(dir, "cli")], { cwd: dir, env }).then(
        () => ({ code: 0, stderr: "" }),
        (err: { code: number; stderr: string }) => err,
      );
    const noModel = await run([]);
    expect(noModel.code).toBe(2);
    expect(noModel.stderr).toContain("No language model is configured: set OTPFORGE_LM (or pass --lm)");
    const badN = await run(["--lm", "openai/gpt-4o-mini", "--n", "lots"]);
    expect(badN.code).toBe(2);
    expect(badN.stderr).toContain('--n must be a positive whole number, got "lots"');
    expect(existsSync(join(dir, "cli"))).toBe(false);
  });
});
