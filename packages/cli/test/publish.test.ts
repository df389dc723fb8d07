import { describe, it, expect, beforeAll } from "vitest";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { load } from "@otpforge/teleprompters";
import { cli } from "./helpers.js";

const TASK = join(import.meta.dirname, "fixtures", "spell-task.ts");
let dir: string;

/** Compiles the spell task with the labeled optimizer (no model needed) into `out`. */
async function compileLabeled(out: string, seed: number) {
  const r = await cli(
    ["compile", TASK, "--trainset", "train.jsonl", "--optimizer", "labeled", "--max-labeled", "2", "--seed", String(seed), "--out", out],
    { PATH: process.env.PATH },
    dir,
  );
  expect(r.code).toBe(0);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "otpforge-cli-publish-"));
  const words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot"];
  await writeFile(
    join(dir, "train.jsonl"),
    words.map((w) => JSON.stringify({ question: `spell ${w}`, answer: w.toUpperCase() })).join("\n"),
  );
  await compileLabeled("build/a", 1);
  await compileLabeled("build/b", 2);
});

describe("otpforge publish", () => {
  it("publishes into DIR/<name>/<version>/, refuses to overwrite a version, and bumps the patch by default", async () => {
    const first = await cli(["publish", "build/a", "--to", "registry", "--version", "1.2.0"], {}, dir);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^published spell@1\.2\.0 → .*registry\/spell\/1\.2\.0/);

    const same = await cli(["publish", "build/a/artifact.json", "--to", "registry", "--version", "1.2.0"], {}, dir);
    expect(same.code).toBe(0);
    expect(same.stdout).toMatch(/^already published spell@1\.2\.0/);

    const clash = await cli(["publish", "build/b", "--to", "registry", "--version", "1.2.0"], {}, dir);
    expect(clash.code).toBe(1);
    expect(clash.stderr).toMatch(/spell@1\.2\.0 is already published with different content/);

    const next = JSON.parse((await cli(["publish", "build/b", "--to", "registry", "--json"], {}, dir)).stdout);
    expect(next).toMatchObject({ ok: true, name: "spell", version: "1.2.1", alreadyPublished: false });

    const index = JSON.parse(await readFile(join(dir, "registry", "index.json"), "utf8"));
    expect(index.artifacts.spell.versions.map((v: { version: string }) => v.version)).toEqual(["1.2.0", "1.2.1"]);
    expect((await load("spell@latest", { dir: join(dir, "registry") })).version).toBe("1.2.1");
  });

  it("rejects a tampered artifact and bad usage with exit 2", async () => {
    const file = join(dir, "build/a/artifact.json");
    const artifact = JSON.parse(await readFile(file, "utf8"));
    artifact.predictors[0].demos = [];
    await writeFile(join(dir, "tampered.json"), JSON.stringify(artifact));
    const tampered = await cli(["publish", "tampered.json", "--to", "registry"], {}, dir);
    expect(tampered.code).toBe(2);
    expect(tampered.stderr).toMatch(/content hash mismatch/);
    expect((await cli(["publish", "build/a"], {}, dir)).stderr).toMatch(/missing --to DIR/);
    expect((await cli(["publish", "build/a", "--to", "registry", "--version", "latest"], {}, dir)).stderr).toMatch(
      /not a semantic version/,
    );
    expect((await cli(["publish", "nowhere", "--to", "registry"], {}, dir)).code).toBe(2);
  });
});
