// Filesystem edges: every path a user can get wrong ends in exit 2 with a
// message naming it, and nothing the command did not write is ever lost.
// In-process and without the BEAM: each refusal happens before any work.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EXPORT_MANIFEST, generationOptions } from "@otpforge/datasets";
import { intOption } from "../src/args.js";
import { cli } from "./helpers.js";

// Two real trace records (their replay scripts shortened: the export does not run them).
const FIXTURE = join(import.meta.dirname, "..", "..", "datasets", "test", "fixtures", "traces-2.jsonl");
const SPELL = join(import.meta.dirname, "fixtures", "spell-task.ts");
let dir: string;

/** Everything under `root`, relative, with the content of each file: to show nothing changed. */
function snapshot(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const e of readdirSync(join(root, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(r);
      else out[r] = readFileSync(join(root, r), "utf8");
    }
  };
  walk("");
  return out;
}

const code = (stdout: string) => (JSON.parse(stdout.trim().split("\n").at(-1)!) as { error: { code: string; kind: string } }).error;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "otpforge-fs-edges-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("export never loses a file it did not write", () => {
  it("--overwrite into the folder holding the input keeps the input (exit 2)", async () => {
    const folder = join(dir, "holds-input");
    mkdirSync(folder);
    copyFileSync(FIXTURE, join(folder, "traces.jsonl"));
    const before = snapshot(folder);
    const r = await cli(["export", join(folder, "traces.jsonl"), "--format", "openai-chat", "--out", folder, "--overwrite", "--json"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${folder} holds the input ${join(folder, "traces.jsonl")}`);
    expect(code(r.stdout)).toEqual({ code: "EXPORT_REFUSED", kind: "input", message: expect.any(String) });
    expect(snapshot(folder)).toEqual(before);
  });

  it("--overwrite into a folder of unrelated files keeps them (exit 2)", async () => {
    const folder = join(dir, "unrelated");
    mkdirSync(join(folder, "notes"), { recursive: true });
    writeFileSync(join(folder, "notes", "todo.txt"), "mine\n");
    const before = snapshot(folder);
    const r = await cli(["export", FIXTURE, "--format", "hf", "--out", folder, "--overwrite"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/was not written by otpforge export .*--overwrite replaces only an earlier export's own files/);
    expect(snapshot(folder)).toEqual(before);
  });

  it("--overwrite replaces an earlier export's own files, and refuses once a file of yours is among them", async () => {
    const folder = join(dir, "earlier");
    expect((await cli(["export", FIXTURE, "--format", "hf", "--out", folder])).code).toBe(0);
    const first = snapshot(folder);
    expect(Object.keys(first).sort()).toEqual([EXPORT_MANIFEST, "README.md", "data/train.jsonl"]);

    const again = await cli(["export", FIXTURE, "--format", "hf", "--out", folder, "--overwrite", "--name", "renamed"]);
    expect(again.code).toBe(0);
    expect(snapshot(folder)["README.md"]).toContain("# renamed");

    writeFileSync(join(folder, "data", "extra.jsonl"), "mine\n");
    const before = snapshot(folder);
    const refused = await cli(["export", FIXTURE, "--format", "hf", "--out", folder, "--overwrite"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("holds files the earlier export did not write (data/extra.jsonl)");
    expect(snapshot(folder)).toEqual(before);
    // No temporary folder is left behind beside it either.
    expect(readdirSync(dir).filter((n) => n.startsWith("earlier."))).toEqual([]);
  });

  it("--out naming an existing file is refused, with or without --overwrite (exit 2)", async () => {
    const file = join(dir, "dataset.jsonl");
    copyFileSync(FIXTURE, file);
    for (const more of [[], ["--overwrite"]]) {
      const r = await cli(["export", FIXTURE, "--format", "openai-chat", "--out", file, ...more, "--json"]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`--out ${file} is a file, not a folder`);
      expect(code(r.stdout)).toMatchObject({ code: "ENOTDIR", kind: "input" });
      expect(readFileSync(file, "utf8")).toBe(readFileSync(FIXTURE, "utf8"));
    }
  });

  it("a folder as the input, a missing input and an --out below a file are bad input naming the path", async () => {
    const asDir = await cli(["export", dir, "--format", "hf", "--out", join(dir, "x"), "--json"]);
    expect(asDir.code).toBe(2);
    expect(asDir.stderr).toContain(`the dataset to export ${dir} is a folder, not a file`);
    expect(code(asDir.stdout)).toMatchObject({ code: "EISDIR", kind: "input" });

    const missing = await cli(["export", join(dir, "nope.jsonl"), "--format", "hf", "--out", join(dir, "x"), "--json"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`no such file: ${join(dir, "nope.jsonl")}`);
    expect(code(missing.stdout)).toMatchObject({ code: "ENOENT", kind: "input" });

    writeFileSync(join(dir, "plain.txt"), "x");
    const below = await cli(["export", FIXTURE, "--format", "hf", "--out", join(dir, "plain.txt", "out")]);
    expect(below.code).toBe(2);
    expect(below.stderr).toContain(`${join(dir, "plain.txt")} is a file, not a folder`);
  });
});

describe("dataset traces refuses a bad --out before starting any BEAM", () => {
  it("--out naming a folder (exit 2)", async () => {
    const folder = join(dir, "a-folder");
    mkdirSync(folder);
    const r = await cli(["dataset", "traces", "--n", "2", "--seed", "1", "--out", folder, "--json"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--out ${folder} is a folder`);
    expect(code(r.stdout)).toMatchObject({ code: "EISDIR", kind: "input" });
    expect(readdirSync(folder)).toEqual([]);
  });

  it("--out below a file (exit 2)", async () => {
    writeFileSync(join(dir, "a-file"), "x");
    const r = await cli(["dataset", "traces", "--n", "2", "--seed", "1", "--out", join(dir, "a-file", "t.jsonl")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${join(dir, "a-file")} is a file, not a folder`);
  });

  it("an unreadable options file beside the dataset (exit 2, says what to do)", async () => {
    const out = join(dir, "opts.jsonl");
    copyFileSync(FIXTURE, out);
    for (const garbage of ["{ garbage", JSON.stringify({ seed: 1 })]) {
      writeFileSync(join(dir, "opts.options.json"), garbage);
      const r = await cli(["dataset", "traces", "--n", "2", "--seed", "fs-edges", "--out", out]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`${join(dir, "opts.options.json")} is not the options file of a trace dataset: restore it, or delete it`);
    }
  });

  it("a complete file made with other options is refused, naming the option (exit 2)", async () => {
    // The fixture was made with seed fs-edges, families final_state,call_result, its worlds explored, no concurrent share.
    const out = join(dir, "complete.jsonl");
    copyFileSync(FIXTURE, out);
    const base = ["dataset", "traces", "--n", "2", "--out", out, "--concurrent-share", "0"];
    const seed = await cli([...base, "--seed", "other", "--runs", "1", "--families", "final_state,call_result"]);
    expect(seed.code).toBe(2);
    expect(seed.stderr).toContain(`${out} was generated with seed fs-edges, not other: pass --seed fs-edges`);
    const observe = await cli([...base, "--seed", "fs-edges", "--observe", "runs", "--families", "final_state,call_result"]);
    expect(observe.code).toBe(2);
    expect(observe.stderr).toContain("was generated with --observe explore, not --observe runs: pass --observe explore");
    const families = await cli([...base, "--seed", "fs-edges", "--runs", "1", "--families", "final_state"]);
    expect(families.code).toBe(2);
    expect(families.stderr).toMatch(/holds call_result examples, which --families final_state leaves out/);
    expect(readFileSync(out, "utf8")).toBe(readFileSync(FIXTURE, "utf8"));
  });

  it("an interrupted file is resumed only under the options recorded beside it, checked before any BEAM starts", async () => {
    const out = join(dir, "interrupted.jsonl");
    writeFileSync(`${out}.partial`, readFileSync(FIXTURE, "utf8"));
    const made = generationOptions({ seed: "fs-edges", n: 4, runs: 1, families: ["final_state", "call_result"] });
    writeFileSync(join(dir, "interrupted.options.json"), JSON.stringify(made));
    const same = ["--seed", "fs-edges", "--runs", "1", "--families", "final_state,call_result"];
    const n = await cli(["dataset", "traces", "--n", "6", ...same, "--out", out, "--json"]);
    expect(n.code).toBe(2);
    expect(n.stderr).toContain(`${out} was generated with --n 4, not --n 6: pass --n 4 to complete it, or write to another --out file`);
    expect(code(n.stdout)).toMatchObject({ code: "TRACE_RESUME_MISMATCH", kind: "input" });
    const q = await cli(["dataset", "traces", "--n", "4", ...same, "--questions-per-world", "2", "--out", out]);
    expect(q.stderr).toContain("was generated with --questions-per-world 6, not --questions-per-world 2");
    const races = await cli(["dataset", "traces", "--n", "4", ...same, "--races", "--out", out]);
    expect(races.stderr).toContain("was generated with no --races, not --races: pass no --races");
    const difficulty = await cli(["dataset", "traces", "--n", "4", ...same, "--difficulty", "hard", "--out", out]);
    expect(difficulty.stderr).toContain("was generated with no --difficulty (a mix), not --difficulty hard");
    const order = await cli([
      "dataset",
      "traces",
      "--n",
      "4",
      "--seed",
      "fs-edges",
      "--runs",
      "1",
      "--families",
      "call_result,final_state",
      "--out",
      out,
    ]);
    expect(order.stderr).toContain("was generated with --families final_state,call_result, not --families call_result,final_state");
    expect(existsSync(out)).toBe(false);
    expect(readFileSync(`${out}.partial`, "utf8")).toBe(readFileSync(FIXTURE, "utf8"));
  });
});

describe("publish, exec and verify name the path they cannot use", () => {
  it("publish --to naming a file (exit 2, the file untouched)", async () => {
    const c = await cli(
      ["compile", SPELL, "--trainset", spellTrainset(), "--optimizer", "labeled", "--max-labeled", "1", "--out", join(dir, "build")],
      { PATH: process.env.PATH },
    );
    expect(c.code).toBe(0);
    const file = join(dir, "registry-file");
    writeFileSync(file, "not a registry\n");
    const r = await cli(["publish", join(dir, "build"), "--to", file, "--json"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--to ${file} is a file, not a folder`);
    expect(code(r.stdout)).toMatchObject({ kind: "input" });
    expect(readFileSync(file, "utf8")).toBe("not a registry\n");
  });

  it("publish of an artifact that does not parse: the path and what to do (exit 2)", async () => {
    const bad = join(dir, "bad-artifact");
    mkdirSync(bad);
    writeFileSync(join(bad, "artifact.json"), "{ truncated");
    const r = await cli(["publish", bad, "--to", join(dir, "registry"), "--json"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${join(bad, "artifact.json")}: not valid JSON`);
    expect(code(r.stdout)).toMatchObject({ code: "ARTIFACT_FORMAT", kind: "input" });
  });

  it("exec of a folder (exit 2)", async () => {
    const r = await cli(["exec", dir, "--json"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${dir} is a folder, not a file`);
    expect(code(r.stdout)).toMatchObject({ code: "EISDIR", kind: "input" });
  });

  it("verify pair with a folder as --buggy (exit 2)", async () => {
    const r = await cli(["verify", "pair", "--buggy", dir, "--fixed", FIXTURE, "--harness", FIXTURE]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--buggy ${dir} is not a file`);
  });
});

describe("numeric options are bounded", () => {
  it("a --timeout-ms setTimeout cannot hold is refused with the bound (exit 2)", async () => {
    writeFileSync(join(dir, "one.exs"), "1\n");
    for (const t of ["2147483648", "99999999999999"]) {
      const r = await cli(["exec", join(dir, "one.exs"), "--timeout-ms", t]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`--timeout-ms must be an integer <= 86400000 (a day), got "${t}"`);
    }
    const v = await cli(["verify", "catalog", "--timeout-ms", "2147483648"]);
    expect(v.code).toBe(2);
    expect(v.stderr).toContain("--timeout-ms must be an integer <= 86400000 (a day)");
  });

  it("--pool-size is bounded, and intOption has a max (2^31-1 by default)", async () => {
    const r = await cli(["dataset", "traces", "--n", "2", "--seed", "1", "--out", join(dir, "p.jsonl"), "--pool-size", "100000"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--pool-size must be an integer <= 256, got "100000"');
    expect(intOption(String(2 ** 31 - 1), "timeout-ms", 1)).toBe(2 ** 31 - 1);
    expect(() => intOption(String(2 ** 31), "timeout-ms", 1)).toThrow(
      /<= 2147483647 \(about 24\.8 days, the longest timer Node\.js can set\)/,
    );
    expect(() => intOption("7", "runs", 1, 1, 5)).toThrow('--runs must be an integer <= 5, got "7"');
    expect(() => intOption("0", "runs", 1)).toThrow('--runs must be an integer >= 1, got "0"');
  });
});

/** A small labeled trainset for the spell task (written once). */
function spellTrainset(): string {
  const path = join(dir, "spell.jsonl");
  writeFileSync(path, ["alpha", "bravo"].map((w) => JSON.stringify({ question: `spell ${w}`, answer: w.toUpperCase() })).join("\n") + "\n");
  return path;
}
