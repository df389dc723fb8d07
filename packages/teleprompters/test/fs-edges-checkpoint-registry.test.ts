// Checkpoints and registries a user damaged or misnamed are bad input with the
// path and what to do (category "input"), never a crash or a lost file.
import { describe, it, expect } from "vitest";
import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { VersionExistsError, publish, writeArtifactDir } from "../src/index.js";
import { CheckpointError, CheckpointStore, PublishInputError } from "../src/internal.js";
import { sampleArtifact } from "./helpers/sample-artifact.js";

const KEY = "c".repeat(64);
const FILE = `${KEY.slice(0, 32)}.checkpoint.json`;

async function openWith(content: string | undefined) {
  const dir = await mkdtemp(join(tmpdir(), "otpforge-ckpt-edges-"));
  if (content === undefined) await mkdir(join(dir, FILE));
  else await writeFile(join(dir, FILE), content);
  return { dir, err: (await CheckpointStore.open(dir, KEY).catch((e: unknown) => e)) as CheckpointError };
}

describe("an unusable checkpoint", () => {
  it.each([
    ["JSON that is not an object", "null"],
    [
      "a section that is not an object",
      JSON.stringify({ kind: "otpforge.checkpoint", version: 1, runKey: KEY, sections: { examples: 3 } }),
    ],
    ["no run key", JSON.stringify({ kind: "otpforge.checkpoint", version: 1, sections: {} })],
    ["a folder in the file's place", undefined],
  ])("%s is a CheckpointError of category input naming the file and the folder to delete", async (_what, content) => {
    const { dir, err } = await openWith(content);
    expect(err).toBeInstanceOf(CheckpointError);
    expect(err).toMatchObject({ code: "CHECKPOINT_UNREADABLE", category: "input", path: join(dir, FILE) });
    expect(err.message).toContain(`checkpoint ${join(dir, FILE)} is unreadable`);
    expect(err.message).toContain(`or delete ${dir}, every checkpoint of this output`);
  });
});

describe("publish into a misnamed registry", () => {
  it("a file as the registry is refused (PUBLISH_INPUT) and left as it was", async () => {
    const root = await mkdtemp(join(tmpdir(), "otpforge-registry-edges-"));
    await writeArtifactDir(join(root, "a"), sampleArtifact(), { answer: { messages: [{ role: "system", content: "x" }] } });
    const file = join(root, "registry.txt");
    await writeFile(file, "mine\n");
    const err = await publish(join(root, "a"), { to: file }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PublishInputError);
    expect(err).toMatchObject({ code: "PUBLISH_INPUT", category: "input" });
    expect((err as Error).message).toContain(`the registry ${file} is a file, not a directory`);
    expect(await readFile(file, "utf8")).toBe("mine\n");
  });

  it("a version clash is a failed run, not bad input", () => {
    expect(new VersionExistsError("qa", "1.0.0", "a".repeat(64), "b".repeat(64))).toMatchObject({
      code: "VERSION_EXISTS",
      category: "run",
    });
  });
});
