// The dataset pipeline end to end on a real BEAM: reproducibility, resume,
// balance, splits, and replay scripts rerun with plain `elixir`.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  buildTraceDataset,
  FAMILIES,
  serializeTraceRecords,
  traceExampleSchema,
  type TraceDatasetResult,
  type TraceExample,
} from "@otpforge/datasets";
import { generateWorld, runElixirSource, splitOf, worldHash, worldSeedOf } from "../src/internal.js";
import { closeTestRunner, testRunner } from "./helpers.js";

// 21 examples = 3 per family: the smallest size at which the 40% rule can hold.
const N = 21;
// (No concurrent share: every record is a sequential world's.)
let first: TraceDatasetResult & { examples: TraceExample[] };
let second: TraceDatasetResult & { examples: TraceExample[] };

beforeAll(async () => {
  const runner = await testRunner();
  first = (await buildTraceDataset({ n: N, seed: "ds-test", runner })) as typeof first;
  second = (await buildTraceDataset({ n: N, seed: "ds-test", runner })) as typeof second;
}, 300_000);

afterAll(closeTestRunner);

describe("trace dataset", () => {
  it("fills every family with valid, uniquely identified records", () => {
    expect(first.complete).toBe(true);
    expect(first.examples).toHaveLength(N);
    for (const e of first.examples) expect(traceExampleSchema.safeParse(e).success).toBe(true);
    expect(new Set(first.examples.map((e) => e.id)).size).toBe(N);
    for (const f of FAMILIES) expect(first.examples.filter((e) => e.family === f)).toHaveLength(3);
  });

  it("gives the same file for the same seed", () => {
    expect(serializeTraceRecords(second.examples)).toBe(serializeTraceRecords(first.examples));
  });

  it("meets the balance rules and reports them", () => {
    expect(first.stats.balance).toEqual({ maxAnswerShare: 0.4, ok: true, violations: [] });
    for (const f of FAMILIES) {
      const answers = first.examples.filter((e) => e.family === f).map((e) => e.answer);
      const top = Math.max(...answers.map((a) => answers.filter((b) => b === a).length));
      expect(top / answers.length, f).toBeLessThanOrEqual(0.4);
      expect(first.stats.families[f].topShare).toBeCloseTo(top / answers.length, 3);
    }
    expect(first.stats.examples).toBe(N);
    expect(first.stats.splits.train + first.stats.splits.dev + first.stats.splits.test).toBe(N);
  });

  it("records only answers every explored schedule agreed on, with provenance", () => {
    for (const e of first.examples) {
      expect(e.deterministic).toBe(true);
      expect(e.provenance.explored).toEqual({ model: "single-node", schedules: e.provenance.runs });
      expect(e.provenance.runs).toBeGreaterThanOrEqual(1);
      expect(e.provenance.runsAgreed).toBe(e.provenance.runs);
      expect(e.provenance.seed).toBe("ds-test");
      expect(e.provenance.elixir).toMatch(/^1\.\d+/);
      expect(e.provenance.otp).toMatch(/^\d+$/);
      expect(e.split).toBe(splitOf(e.provenance.structureHash));
      expect(e.reasoning).toContain(e.answer);
    }
  });

  it("never repeats a world and never puts one world in two splits", () => {
    const splitOfWorld = new Map<string, string>();
    for (const e of first.examples) {
      const seen = splitOfWorld.get(e.provenance.worldHash);
      if (seen) expect(seen).toBe(e.split);
      splitOfWorld.set(e.provenance.worldHash, e.split);
    }
    const indexOfWorld = new Map<string, number>();
    for (const e of first.examples) {
      const seen = indexOfWorld.get(e.provenance.worldHash);
      if (seen !== undefined) expect(seen).toBe(e.provenance.worldIndex);
      indexOfWorld.set(e.provenance.worldHash, e.provenance.worldIndex);
    }
  });

  it("resumes from the records of an interrupted session and ends with the same file", async () => {
    const cut = first.examples[Math.floor(N / 2)].provenance.worldIndex;
    const kept = (first.examples as TraceExample[]).filter((e) => e.provenance.worldIndex < cut);
    const added: Array<{ id: string }> = [];
    const resumed = await buildTraceDataset({
      n: N,
      seed: "ds-test",
      runner: await testRunner(),
      existing: kept,
      onAccepted: (r) => void added.push(...r),
    });
    expect(serializeTraceRecords(resumed.examples)).toBe(serializeTraceRecords(first.examples));
    expect(added.map((e) => e.id)).toEqual(first.examples.slice(kept.length).map((e) => e.id));
  }, 300_000);

  it("refuses to complete a file made with another seed", async () => {
    await expect(
      buildTraceDataset({ n: N, seed: "other", runner: await testRunner(), existing: first.examples.slice(0, 2) }),
    ).rejects.toThrow(/generated with seed ds-test/);
  });

  it("draws different worlds for a different seed", () => {
    const plan = (seed: string) => Array.from({ length: 40 }, (_, i) => worldHash(generateWorld(worldSeedOf(seed, i), "medium")));
    const mine = new Set(plan("ds-test"));
    expect(plan("ds-test-2").filter((h) => mine.has(h))).toEqual([]);
    expect(plan("ds-test")).toEqual([...mine]);
  });

  it("has replay scripts that reproduce the recorded answer with plain elixir", async () => {
    // One example of each family.
    const sample = FAMILIES.map((f) => first.examples.find((e) => e.family === f) as TraceExample);
    // One at a time: replays keep their timing margins on a busy machine.
    const results = [];
    for (const e of sample) {
      const r = await runElixirSource(e.replay, 60_000);
      results.push({ id: e.id, family: e.family, expected: e.answer, code: r.code, last: r.stdout.trim().split("\n").pop() });
    }
    for (const r of results) {
      expect(r.code, `${r.id} exit code`).toBe(0);
      expect(r.last, `${r.family} ${r.id}`).toBe(r.expected);
    }
  }, 300_000);
});
