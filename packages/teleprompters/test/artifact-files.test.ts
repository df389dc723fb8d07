import { describe, it, expect, beforeEach } from "vitest";
import { mkdtemp, readFile, writeFile, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeArtifactDir, readArtifact } from "../src/index.js";
import { parseArtifact, computeContentHash, ArtifactIntegrityError, ArtifactFormatError } from "../src/internal.js";
import { sampleArtifact } from "./helpers/sample-artifact.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "otpforge-artifact-"));
});

describe("artifact files", () => {
  it("round-trips through artifact.json and writes prompts beside it", async () => {
    const artifact = sampleArtifact();
    const path = await writeArtifactDir(dir, artifact, { answer: { messages: [] }, "list.0": { messages: [] } });
    expect(path).toBe(join(dir, "artifact.json"));
    expect(await readArtifact(dir)).toEqual(artifact);
    expect(await readArtifact(path)).toEqual(artifact);
    expect((await readdir(join(dir, "prompts"))).sort()).toEqual(["answer.json", "list.0.json"]);
    // No temporary files are left behind by the atomic writes.
    expect((await readdir(dir)).sort()).toEqual(["artifact.json", "prompts"]);
  });

  it("gives the same content hash whatever the creation time", () => {
    const a = sampleArtifact({}, "2025-01-01T00:00:00.000Z");
    const b = sampleArtifact({}, "2030-06-01T12:00:00.000Z");
    expect(a.createdAt).not.toBe(b.createdAt);
    expect(a.contentHash).toBe(b.contentHash);
    expect(sampleArtifact({ name: "other" }).contentHash).not.toBe(a.contentHash);
  });

  it("rejects an artifact whose demos were edited by hand", async () => {
    const artifact = sampleArtifact();
    await writeArtifactDir(dir, artifact);
    const file = join(dir, "artifact.json");
    const edited = JSON.parse(await readFile(file, "utf8"));
    edited.predictors[0].demos[0].answer = "5";
    await writeFile(file, JSON.stringify(edited));
    const err = await readArtifact(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ArtifactIntegrityError);
    expect((err as Error).message).toMatch(/content hash mismatch.*edited or damaged/);
    expect((err as ArtifactIntegrityError).actual).toBe(computeContentHash(edited));
  });

  it("says what is wrong with files that are not artifacts", async () => {
    await writeFile(join(dir, "artifact.json"), "{ not json");
    await expect(readArtifact(dir)).rejects.toThrow(/not valid JSON/);
    await expect(readArtifact(join(dir, "missing"))).rejects.toThrow(ArtifactFormatError);
    expect(() => parseArtifact({ kind: "something-else" })).toThrow(/not a compiled-program artifact/);
    expect(() => parseArtifact({ ...sampleArtifact(), formatVersion: 99 })).toThrow(/newer than this otpforge reads/);
    const { predictors: _p, ...missing } = sampleArtifact();
    expect(() => parseArtifact(missing)).toThrow(/invalid artifact at predictors/);
  });
});
