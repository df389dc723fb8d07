import { describe, it, expect } from "vitest";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadJsonlExamples, loadTaskModule, compileTaskToDir, readArtifact } from "../src/index.js";
import { toCompileTask, ExamplesFileError, TaskModuleError } from "../src/internal.js";
import { SpellProgram, exactAnswer, spellingLM } from "./helpers/qa.js";

const tmp = () => mkdtemp(join(tmpdir(), "otpforge-tasks-"));

describe("loadJsonlExamples", () => {
  it("reads JSONL and JSON arrays, marking the input keys", async () => {
    const dir = await tmp();
    await writeFile(join(dir, "a.jsonl"), '{"question":"spell alpha","answer":"ALPHA"}\n\n{"question":"spell bravo","answer":"BRAVO"}\n');
    await writeFile(join(dir, "b.json"), '[{"question":"spell alpha","answer":"ALPHA"}]');
    const a = await loadJsonlExamples(join(dir, "a.jsonl"), ["question"]);
    expect(a.map((e) => e.inputs())).toEqual([{ question: "spell alpha" }, { question: "spell bravo" }]);
    expect(a[1]!.labels()).toEqual({ answer: "BRAVO" });
    expect(await loadJsonlExamples(join(dir, "b.json"), ["question"])).toHaveLength(1);
  });

  it("names the line that is wrong", async () => {
    const dir = await tmp();
    await writeFile(join(dir, "bad.jsonl"), '{"question":"x"}\n{oops\n');
    await expect(loadJsonlExamples(join(dir, "bad.jsonl"), ["question"])).rejects.toThrow(/bad\.jsonl: line 2 is not valid JSON/);
    await writeFile(join(dir, "missing.jsonl"), '{"answer":"x"}\n');
    await expect(loadJsonlExamples(join(dir, "missing.jsonl"), ["question"])).rejects.toThrow(/record 1 lacks the input key\(s\) question/);
    await expect(loadJsonlExamples(join(dir, "nope.jsonl"), ["question"])).rejects.toBeInstanceOf(ExamplesFileError);
  });
});

describe("task modules", () => {
  it("accept a class, a factory or an instance as the program", () => {
    const common = { metric: exactAnswer, loadExamples: () => [] };
    for (const program of [SpellProgram, () => new SpellProgram(), new SpellProgram()]) {
      const task = toCompileTask({ ...common, program }, "spell-task.ts");
      expect(task.name).toBe("spell-task");
      const a = task.program();
      expect(a).toBeInstanceOf(SpellProgram);
      expect(task.program()).not.toBe(a);
    }
  });

  it("load from a file with a default export, and explain what a broken one lacks", async () => {
    const task = await loadTaskModule("fixtures/default-task.ts", import.meta.dirname);
    expect(task.name).toBe("spell-default");
    const err = await loadTaskModule("fixtures/broken-task.ts", import.meta.dirname).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TaskModuleError);
    expect((err as Error).message).toMatch(/exports no `metric` function\. A task module exports \{ program, metric, loadExamples \}/);
  });

  it("compile into a directory with artifact.json and prompts/", async () => {
    const dir = await tmp();
    await writeFile(
      join(dir, "train.jsonl"),
      ["alpha", "bravo", "charlie"].map((w) => JSON.stringify({ question: `spell ${w}`, answer: w.toUpperCase() })).join("\n"),
    );
    const task = await loadTaskModule("fixtures/default-task.ts", import.meta.dirname);
    const out = join(dir, "out");
    const r = await compileTaskToDir(task, {
      trainsetFile: join(dir, "train.jsonl"),
      optimizer: "bootstrap",
      lm: spellingLM(),
      out,
      maxBootstrappedDemos: 2,
    });
    expect(r.trainsetSize).toBe(3);
    expect((await readArtifact(out)).name).toBe("spell-default");
    expect(r.result.program.namedPredictors()[0]![1].demos.length).toBe(3);
  });
});
