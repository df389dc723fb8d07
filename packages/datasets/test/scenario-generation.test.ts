// The scenario generator against a scripted model whose answers mix every
// kind the checks must tell apart: the dataset keeps exactly the valid, new
// pairs (one whose bug random runs miss is kept on the explorer's witness), a
// "bug" that no interleaving shows becomes a negative example, and the
// acceptance table counts each rejection under its cause.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPool, type Pool } from "@otpforge/beam";
import { inputOf, ScriptedLM, chatReply } from "@otpforge/core/testing";
import { withSettings } from "@otpforge/core";
import { ScenarioProgram } from "@otpforge/otp-signatures";
import {
  acceptanceTable,
  falseFriendRecordSchema,
  generateScenarios,
  scenarioRecordSchema,
  verifyScenarioRecord,
  type ScenarioTarget,
} from "../src/index.js";
import { scriptedScenarioAnswers } from "../src/internal.js";

let pool: Pool;
beforeAll(async () => {
  pool = await createPool({ size: 2 });
});
afterAll(async () => {
  await pool.close();
});

const answers = scriptedScenarioAnswers();
// One target per kind of answer; the model answers by the kind named in the anti-pattern.
const targets: ScenarioTarget[] = Object.keys(answers).map((kind) => ({
  id: kind,
  category: "deadlock",
  antiPattern: `(kind: ${kind}) a server that calls its own API`,
}));
const scripted = () =>
  new ScriptedLM((request) => {
    const kind = /\(kind: ([a-z-]+)\)/.exec(inputOf(request, "anti_pattern") ?? "")?.[1];
    if (!kind || !answers[kind]) throw new Error(`no scripted answer for ${kind}`);
    return chatReply(answers[kind] as Record<string, string>);
  });

describe("generateScenarios", () => {
  it("keeps exactly the valid, new pairs and counts every rejection under its cause", async () => {
    const lm = scripted();
    const result = await withSettings({ lm }, () =>
      generateScenarios({
        n: 100,
        seed: "s1",
        program: new ScenarioProgram(),
        pool,
        runs: 2,
        targets,
        maxAttempts: targets.length,
        concurrency: 2,
      }),
    );
    expect(result.stopped).toBe("max_attempts");
    const byKind = Object.fromEntries(result.attempts.map((a) => [a.anti_pattern_id, a.outcome]));
    // valid-a and dup-a are one program: whichever came first is kept, the other is the duplicate.
    const [first, second] = result.attempts.filter((a) => a.anti_pattern_id === "valid-a" || a.anti_pattern_id === "dup-a");
    expect([first!.outcome, second!.outcome]).toEqual(["kept", "duplicate"]);
    expect({ ...byKind, "valid-a": undefined, "dup-a": undefined }).toEqual({
      "valid-a": undefined,
      "dup-a": undefined,
      "valid-b": "kept",
      "no-bug": "false_friend",
      "rare-race": "kept",
      "fix-fails": "fix_failing",
      policy: "policy_refused",
      "no-parse": "not_compiling",
      "catalog-copy": "catalog_copy",
      malformed: "malformed",
    });
    expect(result.records.map((r) => r.anti_pattern_id).sort()).toEqual([first!.anti_pattern_id, "valid-b", "rare-race"].sort());
    for (const r of result.records) {
      expect(scenarioRecordSchema.parse(r)).toEqual(r);
      expect(r.verification.elixir).toMatch(/^1\.\d+/);
      if (r.anti_pattern_id === "rare-race") continue;
      expect(r.verification).toMatchObject({ verdict: "valid", runs: 2, buggy_failures: 2, fixed_failures: 0 });
      // The runs are the evidence; the explorer's schedule shows the self-call, and the fix needed no search.
      expect(r.verification.witness?.outcome).toMatch(/calling_self/);
      expect(r.verification.fix_exploration).toBeUndefined();
    }
    // The greeter's bug never shows in real runs; the explorer's witness shows it, and the fix holds in every interleaving.
    const rare = result.records.find((r) => r.anti_pattern_id === "rare-race")!;
    expect(rare.verification).toMatchObject({
      buggy_failures: 0,
      fixed_failures: 0,
      witness: { outcome: "{:error, {:first_greeting, :late}}" },
      fix_exploration: { complete: true },
    });
    expect(rare.verification.witness!.steps.join("\n")).toMatch(/sends :late to main/);
    // verify scenario's check: the witness replays to the same failure, the fix is searched again.
    const check = await verifyScenarioRecord(pool, rare, { runs: 2, timeoutMs: 8_000 });
    expect(check).toMatchObject({ valid: true, witnessOutcome: "{:error, {:first_greeting, :late}}" });
    // A record whose witness no longer fails is refused.
    const forged = { ...rare, buggy_code: rare.fixed_code };
    expect(await verifyScenarioRecord(pool, forged, { runs: 2, timeoutMs: 8_000 })).toMatchObject({ valid: false });
    // The Tally pair: both versions alike, and no interleaving fails, so it is a labelled negative.
    expect(result.negatives).toHaveLength(1);
    const negative = result.negatives[0]!;
    expect(falseFriendRecordSchema.parse(negative)).toEqual(negative);
    expect(negative).toMatchObject({ anti_pattern_id: "no-bug", is_bug: false, suspect_code: answers["no-bug"]!.buggy_code!.trim() });
    expect(negative.verification.exploration).toMatchObject({ complete: true, outcomes: [":ok"] });
    expect(result.attempts.find((a) => a.anti_pattern_id === "rare-race")!.detail).toMatch(
      /the explorer found an interleaving that fails .* that the runs missed/,
    );
    const table = acceptanceTable(
      result.attempts,
      targets.map((t) => t.id),
    );
    expect(table.total).toMatchObject({
      generated: 10,
      counts: {
        kept: 3,
        duplicate: 1,
        bug_not_shown: 0,
        false_friend: 1,
        fix_failing: 1,
        policy_refused: 1,
        not_compiling: 1,
        catalog_copy: 1,
        malformed: 1,
      },
    });
  }, 240_000);

  it("stops at the budget and goes on from the attempts done with the same result", async () => {
    const run = (extra: object) =>
      withSettings({ lm: scripted() }, () =>
        generateScenarios({ n: 100, seed: "s2", program: new ScenarioProgram(), pool, runs: 1, targets, maxAttempts: 6, ...extra }),
      );
    const whole = await run({});
    const cut = await run({ budget: { calls: 2 } });
    expect(cut.stopped).toBe("budget");
    expect(cut.attempts).toHaveLength(2);
    const rest = await run({ done: cut.attempts });
    expect(rest.attempts).toEqual(whole.attempts);
    expect(rest.records).toEqual(whole.records);
  }, 240_000);
});
