import { describe, it, expect } from "vitest";
import { mkdtemp, readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CheckpointStore, CheckpointError } from "../src/internal.js";

const KEY = "a".repeat(64);

describe("CheckpointStore", () => {
  it("persists every step and hands them back to a run with the same key", async () => {
    const dir = await mkdtemp(join(tmpdir(), "otpforge-ckpt-"));
    const first = await CheckpointStore.open(dir, KEY);
    expect(first.resumedSteps).toBe(0);
    // Many concurrent puts: the file ends with all of them (writes are serialised and coalesced).
    await Promise.all(Array.from({ length: 25 }, (_, i) => first.put("examples", i, { ok: i % 2 === 0 })));
    const again = await CheckpointStore.open(dir, KEY);
    expect(again.resumedSteps).toBe(25);
    expect(again.get("examples", 4)).toEqual({ ok: true });
    expect(again.get("examples", 99)).toBeUndefined();

    const other = await CheckpointStore.open(dir, "b".repeat(64));
    expect(other.resumedSteps).toBe(0);

    await again.complete();
    expect(await readdir(dir)).toEqual([]);
  });

  it("refuses an unreadable checkpoint and says how to start afresh", async () => {
    const dir = await mkdtemp(join(tmpdir(), "otpforge-ckpt-"));
    await writeFile(join(dir, `${KEY.slice(0, 32)}.checkpoint.json`), "{ broken");
    const err = await CheckpointStore.open(dir, KEY).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CheckpointError);
    expect((err as Error).message).toMatch(/delete it to start the run afresh/);
  });

  it("keeps state in memory when no directory is given", async () => {
    const store = await CheckpointStore.open(undefined, KEY);
    await store.put("s", "k", 1);
    expect(store.get("s", "k")).toBe(1);
    await store.complete();
  });
});
