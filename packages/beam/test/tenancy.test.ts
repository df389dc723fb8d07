// A VM never outlives its tenant: untrusted code gets a VM that ran nothing
// untrusted before, and that VM is gone after the submission.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPool, IsolationUnavailableError, type Pool } from "../src/index.js";
import { verdictForDeadWorker } from "../src/results.js";
import { COUNTER, osProcessLeft } from "./helpers.js";

let pool: Pool;
const seen = new Set<number>();
beforeAll(async () => {
  pool = await createPool({ size: 2 });
});
afterAll(async () => {
  await pool?.close();
  expect(osProcessLeft([...seen])).toEqual([]);
});

describe("tenancy", () => {
  it("runs every untrusted job in a VM no other untrusted job used", async () => {
    const vms = new Set<number>();
    for (let i = 0; i < 4; i++) {
      for (const p of pool.osPids()) seen.add(p);
      const r = await pool.run({ script: `${i}` });
      expect(r.status, r.message).toBe("ok");
      vms.add(r.vm!);
    }
    expect(vms.size).toBe(4);
    // A trusted job never runs on a VM that ran untrusted code.
    const again = await pool.run({ trusted: true, script: "2" });
    expect(vms.has(again.vm!)).toBe(false);
  });

  it("keeps one VM for the runs of one submission, then discards it", async () => {
    const s = pool.submission();
    const a = await s.run({ script: "1" });
    const b = await s.run({ script: "2" });
    const replacedBefore = pool.stats().workersReplaced;
    await s.close();
    expect(a.vm).toBe(b.vm);
    expect(pool.stats().workersReplaced).toBe(replacedBefore + 1);
    await expect(s.run({ script: "1" })).rejects.toThrow(/submission is closed/);
    const fresh = await pool.run({ script: "3" });
    expect(fresh.vm).not.toBe(a.vm);
  });

  it("keeps trusted VMs, which never saw untrusted code", async () => {
    const runs = [];
    for (let i = 0; i < 4; i++) runs.push(await pool.run({ trusted: true, script: "1" }));
    expect(new Set(runs.map((r) => r.vm)).size).toBeLessThanOrEqual(2);
  });

  it("serves many submissions at once, each with its own VM, and a benign job after them", async () => {
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        pool.run({ files: [{ name: "counter.ex", source: COUNTER }], script: `{:ok, _} = Counter.start_link(${i})\nCounter.inc()` }),
      ),
    );
    expect(results.map((r) => r.value)).toEqual(["1", "2", "3", "4", "5", "6"]);
  });

  it("calls a VM that died under untrusted code vm_stopped, under trusted code crashed", () => {
    const exit = { code: 3, signal: null, tail: "halted\n" };
    expect(verdictForDeadWorker(exit, 5, true)).toMatchObject({
      status: "vm_stopped",
      message: expect.stringMatching(/the job stopped its VM \(exit code 3\)/),
    });
    expect(verdictForDeadWorker(exit, 5, false).status).toBe("crashed");
  });

  it("refuses untrusted code where there is no OS sandbox, unless the user accepts the risk", async () => {
    const bare = await createPool({ size: 1, isolation: { sandbox: false }, onNotice: () => {} });
    try {
      const err = await bare.run({ script: "1 + 1" }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(IsolationUnavailableError);
      expect((err as Error).message).toMatch(/apt-get install -y bubblewrap.*--unsafe-no-isolation/s);
      // Trusted (project) code still runs.
      expect((await bare.run({ script: "1 + 1", trusted: true })).value).toBe("2");
    } finally {
      await bare.close();
    }
    const unsafe = await createPool({ size: 1, isolation: { sandbox: false, unsafeNoIsolation: true }, onNotice: () => {} });
    try {
      expect((await unsafe.run({ script: "1 + 1" })).value).toBe("2");
    } finally {
      await unsafe.close();
    }
  });
});
