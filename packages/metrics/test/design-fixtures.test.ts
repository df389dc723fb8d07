// Wrong and right-but-different designs (test/fixtures/design), as an OTP
// reviewer would write them: every wrong one fails, with the requirement that
// caught it named; every correct alternative scores 1.00; and a stand-in
// program answering each problem with a wrong design scores below 0.6 on the
// design eval. One file per design; its header names the problem and the
// requirement(s) that must catch it.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPool } from "@otpforge/beam";
import { BEHAVIOURAL_KINDS, designProblem, REQUIREMENT_KINDS } from "@otpforge/otp-signatures";
import { evalDesign } from "@otpforge/metrics";
import { verifyDesign } from "../src/internal.js";

type Pool = Awaited<ReturnType<typeof createPool>>;
let pool: Pool;

beforeAll(async () => {
  // The checks mostly wait on timers: four VMs keep two cores busy without crowding them.
  pool = await createPool({ size: 4 });
});
afterAll(async () => {
  await pool?.close();
});

interface Fixture {
  name: string;
  problem: string;
  caughtBy: string[];
  /** A race that one plain timed run shows only when the clients happen to interleave. */
  race: boolean;
  source: string;
}

function fixtures(kind: "wrong" | "correct"): Fixture[] {
  const dir = join(import.meta.dirname, "fixtures", "design", kind);
  return readdirSync(dir)
    .filter((f) => f.endsWith(".ex"))
    .sort()
    .map((f) => {
      const source = readFileSync(join(dir, f), "utf8");
      const problem = /^# problem: (\S+)$/m.exec(source)?.[1];
      if (!problem) throw new Error(`${f}: no "# problem:" line`);
      const caughtBy = (/^# caught-by: (.+)$/m.exec(source)?.[1] ?? "").split(",").map((s) => s.trim()).filter(Boolean);
      return { name: f.replace(/\.ex$/, ""), problem, caughtBy, race: /^# race:/m.test(source), source };
    });
}

const wrong = fixtures("wrong");
const correct = fixtures("correct");
// The stand-in answers each problem with its first wrong design (by file name)
// that every run catches; a race is left to the repeated runs below.
const standIn = new Map<string, Fixture>();
for (const f of wrong) if (!f.race && !standIn.has(f.problem)) standIn.set(f.problem, f);

describe("the design test sets", () => {
  it("have a wrong design for every reference problem, each naming requirements its problem has", () => {
    expect([...standIn.keys()].sort()).toEqual(
      ["chat-rooms", "connection-pool", "game-session", "ingest-pipeline", "metrics-flusher", "platform-isolation", "query-cache", "rate-limiter", "report-tasks", "scraper-jobs", "sensor-escalation", "shop-backend", "topic-hub"].sort(),
    );
    for (const f of wrong) {
      const ids = designProblem(f.problem).requirements.map((r) => r.id);
      expect(f.caughtBy.length, f.name).toBeGreaterThan(0);
      for (const id of f.caughtBy) expect(ids, `${f.name}: caught-by ${id}`).toContain(id);
    }
  });

  it("between them make every behavioural kind fail for its own reason", () => {
    const caughtKinds = new Set(wrong.flatMap((f) => f.caughtBy.map((id) => designProblem(f.problem).requirements.find((r) => r.id === id)!.kind)));
    for (const kind of BEHAVIOURAL_KINDS) expect(caughtKinds, kind).toContain(kind);
    expect(REQUIREMENT_KINDS).toEqual(expect.arrayContaining([...BEHAVIOURAL_KINDS]));
  });
});

describe("the stand-in program with one wrong design per problem", () => {
  it("scores below 0.6 on the design eval, each design failing the requirement that catches it", { timeout: 240_000 }, async () => {
    const problems = [...standIn.keys()].map(designProblem);
    const program = {
      forward: async (inputs: { problem_description: string }) => {
        const p = problems.find((q) => inputs.problem_description.includes(`\`${q.topModule}\` with \`start_link(opts)\``))!;
        return { otp_architecture: `a wrong design for ${p.id}`, code_skeleton: standIn.get(p.id)!.source };
      },
    };
    const result = await evalDesign(program as never, problems, { pool, progress: false, concurrency: 4 });
    expect(result.errors).toBe(0);
    for (const r of result.records) {
      const f = standIn.get(r.problem_id)!;
      const failedIds = r.requirements.filter((q) => !q.pass).map((q) => q.id);
      expect({ design: f.name, status: r.status }).toEqual({ design: f.name, status: "checked" });
      expect(r.score, f.name).toBeLessThan(1);
      expect(failedIds, f.name).toEqual(expect.arrayContaining(f.caughtBy));
    }
    expect(result.score).toBeLessThan(0.6);
  });
});

describe("wrong designs", () => {
  const rest = wrong.filter((f) => standIn.get(f.problem) !== f);
  // Each is run against the requirements that must catch it (one failed
  // requirement is enough for a score below 1.00); the stand-in's designs ran in full above.
  it.each(rest.map((f) => [f.name, f] as const))("%s fails the requirement that catches it", { timeout: 120_000 }, async (_name, f) => {
    const p = designProblem(f.problem);
    const only = { ...p, requirements: p.requirements.filter((r) => f.caughtBy.includes(r.id)) };
    // Plain timed runs (no explorer here) catch a race when the clients interleave:
    // up to three runs, the first that catches it counts.
    let v = await verifyDesign(f.source, only, { pool });
    for (let i = 1; f.race && i < 3 && v.requirements.every((r) => r.pass); i++) v = await verifyDesign(f.source, only, { pool });
    expect(v.status).toBe("checked");
    const results = v.requirements.map((r) => ({ id: r.id, pass: r.pass }));
    expect(results).toEqual(f.caughtBy.map((id) => ({ id, pass: false })));
    expect(v.score).toBeLessThan(1);
  });
});

describe("correct designs built differently from the references", () => {
  it.each(correct.map((f) => [f.name, f] as const))("%s scores 1.00", { timeout: 120_000 }, async (_name, f) => {
    const v = await verifyDesign(f.source, designProblem(f.problem), { pool });
    expect({ status: v.status, failed: v.requirements.filter((r) => !r.pass).map((r) => `${r.id}: ${r.detail}`) }).toEqual({ status: "checked", failed: [] });
    expect(v.score).toBe(1);
  });
});
