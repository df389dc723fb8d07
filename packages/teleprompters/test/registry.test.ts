import { describe, it, expect, beforeEach } from "vitest";
import { mkdtemp, readFile, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { publish, load, writeArtifactDir, VersionExistsError } from "../src/index.js";
import { ArtifactNotFoundError, INDEX_FILE } from "../src/internal.js";
import { sampleArtifact } from "./helpers/sample-artifact.js";

let root: string;
let registry: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "otpforge-registry-"));
  registry = join(root, "registry");
});

async function compiled(name: string, demoAnswer: string) {
  const dir = join(root, `${name}-${demoAnswer}`);
  const artifact = sampleArtifact({
    predictors: [{ ...sampleArtifact().predictors[0]!, demos: [{ question: "2+2?", answer: demoAnswer }] }],
  });
  await writeArtifactDir(dir, artifact, { answer: { messages: [{ role: "system", content: "x" }] } });
  return { dir, artifact };
}

describe("publish and load", () => {
  it("lays out DIR/<name>/<version>/ with prompts and an index", async () => {
    const { dir, artifact } = await compiled("qa", "4");
    const result = await publish(dir, { to: registry, version: "1.2.0" });
    expect(result).toMatchObject({ name: "qa", version: "1.2.0", alreadyPublished: false, contentHash: artifact.contentHash });
    expect((await readdir(join(registry, "qa", "1.2.0"))).sort()).toEqual(["artifact.json", "prompts"]);
    expect(await readdir(join(registry, "qa", "1.2.0", "prompts"))).toEqual(["answer.json"]);
    const index = JSON.parse(await readFile(join(registry, INDEX_FILE), "utf8"));
    expect(index.artifacts.qa).toEqual({
      latest: "1.2.0",
      versions: [{ version: "1.2.0", contentHash: artifact.contentHash, createdAt: artifact.createdAt, path: "qa/1.2.0" }],
    });
  });

  it("never changes a published version", async () => {
    const a = await compiled("qa", "4");
    const b = await compiled("qa", "four");
    await publish(a.dir, { to: registry, version: "1.0.0" });
    // Same content again: nothing to do.
    expect(await publish(a.dir, { to: registry, version: "1.0.0" })).toMatchObject({ alreadyPublished: true });
    const err = await publish(b.dir, { to: registry, version: "1.0.0" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VersionExistsError);
    expect((err as Error).message).toMatch(/qa@1\.0\.0 is already published with different content/);
    expect((await load("qa@1.0.0", { dir: registry })).artifact.contentHash).toBe(a.artifact.contentHash);
  });

  it("bumps the patch version when none is given, and reuses the version of identical content", async () => {
    const a = await compiled("qa", "4");
    const b = await compiled("qa", "four");
    expect((await publish(a.dir, { to: registry })).version).toBe("1.0.0");
    expect((await publish(b.dir, { to: registry })).version).toBe("1.0.1");
    expect(await publish(a.dir, { to: registry })).toMatchObject({ version: "1.0.0", alreadyPublished: true });
  });

  it("loads name@version, name@latest and name", async () => {
    const a = await compiled("qa", "4");
    const b = await compiled("qa", "four");
    await publish(a.dir, { to: registry, version: "1.9.0" });
    await publish(b.dir, { to: registry, version: "1.10.0" });
    expect((await load("qa@1.9.0", { dir: registry })).artifact.contentHash).toBe(a.artifact.contentHash);
    expect((await load("qa@latest", { dir: registry })).version).toBe("1.10.0");
    expect((await load("qa", { dir: registry })).artifact.contentHash).toBe(b.artifact.contentHash);
    await expect(load("qa@2.0.0", { dir: registry })).rejects.toThrow(/qa@2\.0\.0 is not in .*published versions: 1\.9\.0, 1\.10\.0/);
    await expect(load("nope@latest", { dir: registry })).rejects.toBeInstanceOf(ArtifactNotFoundError);
  });

  it("rejects a version that is not semver and a name that is not a safe directory", async () => {
    const a = await compiled("qa", "4");
    await expect(publish(a.dir, { to: registry, version: "v1" })).rejects.toThrow(/not a semantic version/);
    await expect(publish(a.dir, { to: registry, name: "../evil" })).rejects.toThrow(/cannot be published/);
  });
});
