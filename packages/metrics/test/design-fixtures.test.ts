// Wrong and right-but-different designs (test/fixtures/design), as an OTP
// reviewer would write them: every wrong one fails, with the requirement that
// caught it named; every correct alternative scores 1.00; and a stand-in
// program answering each problem with a wrong design scores below 0.6 on the
// design eval. One file per design; its header names the problem and the
// requirement(s) that must catch it.
//
// Every design is graded once, up front, in two BEAM jobs at a time (the
// fixtures are ours, so several may share a job: see verify-batch.ts); the
// stand-in eval then replays the probe reports of its designs instead of
// grading them a second time.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPool, type JobResult, type JobRunner } from "@otpforge/beam";
import { BEHAVIOURAL_KINDS, designProblem, REQUIREMENT_KINDS } from "@otpforge/otp-signatures";
import { evalDesign } from "@otpforge/metrics";
import type { DesignVerification } from "@otpforge/metrics";
import { verifyDesignBatch, type DesignBatchItem, type ProbeReport } from "../src/internal.js";

type Pool = Awaited<ReturnType<typeof createPool>>;
let pool: Pool;

afterAll(async () => {
  await pool?.close();
});

interface Fixture {
  name: string;
  problem: string;
  caughtBy: string[];
  /** A race that one plain timed run shows only when the clients happen to interleave: the explorer must catch it. */
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
      const caughtBy = (/^# caught-by: (.+)$/m.exec(source)?.[1] ?? "")
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean);
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
      [
        "chat-rooms",
        "connection-pool",
        "game-session",
        "ingest-pipeline",
        "metrics-flusher",
        "platform-isolation",
        "query-cache",
        "rate-limiter",
        "report-tasks",
        "scraper-jobs",
        "sensor-escalation",
        "shop-backend",
        "topic-hub",
      ].sort(),
    );
    for (const f of wrong) {
      const ids = designProblem(f.problem).requirements.map((r) => r.id);
      expect(f.caughtBy.length, f.name).toBeGreaterThan(0);
      for (const id of f.caughtBy) expect(ids, `${f.name}: caught-by ${id}`).toContain(id);
    }
  });

  it("between them make every behavioural kind fail for its own reason", () => {
    const caughtKinds = new Set(
      wrong.flatMap((f) => f.caughtBy.map((id) => designProblem(f.problem).requirements.find((r) => r.id === id)!.kind)),
    );
    for (const kind of BEHAVIOURAL_KINDS) expect(caughtKinds, kind).toContain(kind);
    expect(REQUIREMENT_KINDS).toEqual(expect.arrayContaining([...BEHAVIOURAL_KINDS]));
  });
});

// Wrong designs other than the stand-in's are run against the requirements
// that must catch them (one failed requirement is enough for a score below
// 1.00); the stand-in's designs and the correct ones against every requirement.
const rest = wrong.filter((f) => standIn.get(f.problem) !== f);
const onlyCatching = (f: Fixture) => {
  const p = designProblem(f.problem);
  return { ...p, requirements: p.requirements.filter((r) => f.caughtBy.includes(r.id)) };
};
const graded = new Map<Fixture, DesignVerification>();
/** The probe reports of the stand-in's designs, by skeleton source: what the eval replays. */
const standInReports = new Map<string, ProbeReport>();

beforeAll(async () => {
  pool = await createPool({ size: 2 });
  const items: Array<DesignBatchItem & { fixture: Fixture }> = [
    ...[...standIn.values()].map((f) => ({ fixture: f, skeleton: f.source, problem: designProblem(f.problem) })),
    ...rest.map((f) => ({ fixture: f, skeleton: f.source, problem: onlyCatching(f) })),
    ...correct.map((f) => ({ fixture: f, skeleton: f.source, problem: designProblem(f.problem) })),
  ];
  const results = await verifyDesignBatch(items, {
    pool,
    jobs: 2,
    onReport: (item, report) => {
      if (standIn.get(item.problem.id)?.source === item.skeleton) standInReports.set(item.skeleton, report);
    },
  });
  items.forEach((it, i) => graded.set(it.fixture, results[i]!));
}, 400_000);

/**
 * A job runner that answers a probe job with the report already observed for
 * its skeleton, and refuses any other; explorations (of the explored
 * concurrent_calls variants) run on the pool again.
 */
const replay: JobRunner = {
  run: async (job): Promise<JobResult> => {
    if (job.explore) return pool.run(job);
    const report = standInReports.get(job.files?.[0]?.source ?? "");
    if (!report) throw new Error("the stand-in eval asked to grade a design that was not graded up front");
    return { status: "ok", message: "", stdout: "", stderr: "", durationMs: 0, valueJson: report, value: "(replayed)" };
  },
};

describe("the stand-in program with one wrong design per problem", () => {
  it("scores below 0.6 on the design eval, each design failing the requirement that catches it", async () => {
    const problems = [...standIn.keys()].map(designProblem);
    const program = {
      forward: async (inputs: { problem_description: string }) => {
        const p = problems.find((q) => inputs.problem_description.includes(`\`${q.topModule}\` with \`start_link(opts)\``))!;
        return { otp_architecture: `a wrong design for ${p.id}`, code_skeleton: standIn.get(p.id)!.source };
      },
    };
    const result = await evalDesign(program as never, problems, { pool: replay, progress: false, concurrency: 4 });
    expect(result.errors).toBe(0);
    expect(result.n).toBe(standIn.size);
    for (const r of result.records) {
      const f = standIn.get(r.problem_id)!;
      const failedIds = r.requirements.filter((q) => !q.pass).map((q) => q.id);
      expect({ design: f.name, status: r.status }).toEqual({ design: f.name, status: "checked" });
      expect(r.score, f.name).toBeLessThan(1);
      expect(failedIds, f.name).toEqual(expect.arrayContaining(f.caughtBy));
      // The eval graded what the up-front run observed, requirement by requirement.
      expect(r.requirements, f.name).toEqual(graded.get(f)!.requirements);
    }
    expect(result.score).toBeLessThan(0.6);
  });
});

describe("wrong designs", () => {
  it.each(rest.map((f) => [f.name, f] as const))("%s fails the requirement that catches it", (_name, f) => {
    const v = graded.get(f)!;
    expect(v.status).toBe("checked");
    const results = v.requirements.map((r) => ({ id: r.id, pass: r.pass }));
    expect(results).toEqual(f.caughtBy.map((id) => ({ id, pass: false })));
    expect(v.score).toBeLessThan(1);
    // A race is caught in an interleaving the explorer found, whatever the plain run showed.
    if (f.race)
      for (const r of v.requirements) expect(r.detail, f.name).toMatch(/explored with \d+ clients: .* in \d+ of \d+ interleavings/);
  });
});

describe("correct designs built differently from the references", () => {
  it.each(correct.map((f) => [f.name, f] as const))("%s scores 1.00", (_name, f) => {
    const v = graded.get(f)!;
    expect({ status: v.status, failed: v.requirements.filter((r) => !r.pass).map((r) => `${r.id}: ${r.detail}`) }).toEqual({
      status: "checked",
      failed: [],
    });
    expect(v.score).toBe(1);
  });
});
