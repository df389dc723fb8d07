// The export writer loses nothing it did not write: it refuses a file in the
// target's place, a target holding the input, and any file its manifest does
// not list; with overwrite it replaces exactly its own earlier files. And the
// resume check names the option a file was made with, and a folder is never
// read as a dataset. No BEAM: the records are a fixture.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  checkResume,
  exportHuggingFace,
  exportOpenAIChat,
  EXPORT_MANIFEST,
  generationOptions,
  parseTraceRecords,
  readTraceDataset,
  TraceFileError,
  type TraceExample,
} from "../src/index.js";
import { ExportError, TraceResumeError } from "../src/internal.js";

const FIXTURE = join(import.meta.dirname, "fixtures", "traces-2.jsonl");
let examples: TraceExample[];
let dir: string;

beforeAll(() => {
  // (The fixture holds sequential records only.)
  examples = parseTraceRecords(readFileSync(FIXTURE, "utf8"), FIXTURE) as TraceExample[];
  dir = mkdtempSync(join(tmpdir(), "otpforge-export-edges-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const thrown = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error("expected a throw");
};

describe("writeExportDir", () => {
  it("records its files in a manifest and replaces exactly those with overwrite", () => {
    const out = join(dir, "chat");
    exportOpenAIChat(examples, { outDir: out });
    const manifest = JSON.parse(readFileSync(join(out, EXPORT_MANIFEST), "utf8"));
    expect(manifest).toEqual({ kind: "otpforge.export", files: ["train.jsonl"] });
    const r = exportOpenAIChat(examples, { outDir: out, overwrite: true, adapter: "json" });
    expect(r.files).toEqual([join(out, "train.jsonl")]);
    expect(readdirSync(out).sort()).toEqual([EXPORT_MANIFEST, "train.jsonl"]);
  });

  it("refuses a file in the target's place, even with overwrite", () => {
    const file = join(dir, "a-file.jsonl");
    writeFileSync(file, "keep me\n");
    const err = thrown(() => exportHuggingFace(examples, { outDir: file, overwrite: true }));
    expect(err).toBeInstanceOf(ExportError);
    expect(err.message).toContain(`${file} is a file, not a folder`);
    expect(readFileSync(file, "utf8")).toBe("keep me\n");
  });

  it("refuses a target that holds the input, even one listed in its manifest", () => {
    const out = join(dir, "hf");
    exportHuggingFace(examples, { outDir: out });
    // An HF export's data files are trace records: exporting one back into its own folder must not replace it.
    const input = join(out, "data", "train.jsonl");
    const before = readFileSync(input, "utf8");
    const err = thrown(() => exportHuggingFace(parseTraceRecords(before, input), { outDir: out, overwrite: true, input }));
    expect(err.message).toContain(`holds the input ${input}`);
    expect(readFileSync(input, "utf8")).toBe(before);
  });

  it("refuses files the manifest does not list, a symbolic link and an empty folder included", () => {
    const out = join(dir, "with-extras");
    exportOpenAIChat(examples, { outDir: out });
    symlinkSync("/etc/hostname", join(out, "link"));
    mkdirSync(join(out, "empty"));
    const err = thrown(() => exportOpenAIChat(examples, { outDir: out, overwrite: true }));
    expect(err.message).toContain("holds files the earlier export did not write (empty/, link)");
    expect(readdirSync(out).sort()).toEqual([EXPORT_MANIFEST, "empty", "link", "train.jsonl"]);
  });

  it("refuses a non-empty folder without a manifest, and fills an empty one", () => {
    const foreign = join(dir, "foreign");
    mkdirSync(foreign);
    writeFileSync(join(foreign, "train.jsonl"), "mine\n");
    expect(thrown(() => exportOpenAIChat(examples, { outDir: foreign, overwrite: true })).message).toContain(`has no ${EXPORT_MANIFEST}`);
    expect(readFileSync(join(foreign, "train.jsonl"), "utf8")).toBe("mine\n");

    const empty = join(dir, "empty-target");
    mkdirSync(empty);
    exportOpenAIChat(examples, { outDir: empty });
    expect(readdirSync(empty).sort()).toEqual([EXPORT_MANIFEST, "train.jsonl"]);
  });
});

describe("readTraceDataset", () => {
  it("a folder where the dataset file belongs is a TraceFileError naming it", () => {
    const folder = join(dir, "not-a-file.jsonl");
    mkdirSync(folder);
    const err = thrown(() => readTraceDataset(folder));
    expect(err).toBeInstanceOf(TraceFileError);
    expect(err).toMatchObject({ code: "TRACE_FILE", category: "input" });
    expect(err.message).toBe(`${folder} is a folder, not a trace dataset file: name a .jsonl file instead`);
  });
});

describe("checkResume", () => {
  const made = generationOptions({ seed: "fs-edges", n: 2, runs: 1, families: ["final_state", "call_result"] });

  it("accepts the same options and names the first that differs", () => {
    expect(() => checkResume("f.jsonl", examples, made, made)).not.toThrow();
    const err = thrown(() => checkResume("f.jsonl", examples, made, { ...made, n: 3 }));
    expect(err).toBeInstanceOf(TraceResumeError);
    expect(err.message).toBe("f.jsonl was generated with --n 2, not --n 3: pass --n 2 to complete it, or write to another --out file");
  });

  it("checks the records when no options were recorded (older files), and the options when no record survived", () => {
    // The fixture's worlds were explored: their records say so, whatever --runs was.
    expect(thrown(() => checkResume("f.jsonl", examples, undefined, { ...made, observation: "runs" })).message).toContain(
      "with --observe explore, not --observe runs",
    );
    expect(() => checkResume("f.jsonl", examples, undefined, { ...made, runs: 4 })).not.toThrow();
    expect(thrown(() => checkResume("f.jsonl", examples, undefined, { ...made, difficulty: "hard" })).message).toMatch(
      /holds (easy|medium) examples/,
    );
    expect(() => checkResume("f.jsonl", examples, undefined, { ...made, n: 9 })).not.toThrow();
    expect(thrown(() => checkResume("f.jsonl", [], made, { ...made, races: true })).message).toContain("with no --races, not --races");
  });
});
