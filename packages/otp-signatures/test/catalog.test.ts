import { describe, expect, it } from "vitest";
import { existsSync } from "node:fs";
import {
  CATEGORIES,
  catalog,
  catalogEntry,
  ConcurrencyScenario,
  falseFriends,
  FixBug,
  fixBugCases,
  fixBugCaseSchema,
  fixBugExamples,
  referencePairs,
  scenarioDemos,
  UnknownCatalogEntryError,
  HARNESS_CONVENTION,
} from "../src/index.js";

describe("reference catalog", () => {
  it("covers at least 15 anti-patterns and 3 false friends with unique ids", () => {
    expect(referencePairs.length).toBeGreaterThanOrEqual(15);
    expect(falseFriends.length).toBeGreaterThanOrEqual(3);
    const ids = catalog.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(referencePairs.every((e) => e.kind === "anti-pattern" && e.expected === "valid")).toBe(true);
    expect(falseFriends.every((e) => e.kind === "false-friend" && e.expected === "invalid" && (e.whyNotABug ?? "").length > 40)).toBe(true);
  });

  it("names the anti-patterns the issue asks for", () => {
    const ids = new Set(referencePairs.map((e) => e.id));
    for (const id of [
      "lost-update-separate-calls",
      "ets-read-then-write",
      "call-cycle",
      "calling-self",
      "blocking-handle-call",
      "unbounded-mailbox",
      "messages-lost-on-crash",
      "state-lost-on-restart",
      "spawn-then-register",
      "duplicate-timers",
      "infinity-call",
      "linked-task-crash",
      "restart-intensity-escalation",
      "wrong-restart-strategy",
      "late-reply-mismatch",
    ])
      expect(ids.has(id), id).toBe(true);
    expect(falseFriends.map((e) => e.id)).toEqual(expect.arrayContaining(["local-variable-counter", "missing-handle-info"]));
  });

  it("uses only taxonomy categories, and every category has a reference pair", () => {
    for (const e of catalog) expect(Object.keys(CATEGORIES)).toContain(e.category);
    for (const c of Object.keys(CATEGORIES))
      expect(
        referencePairs.some((e) => e.category === c),
        c,
      ).toBe(true);
  });

  it("loads three distinct Elixir sources per entry, the harness defining Scenario.run/0", () => {
    for (const e of catalog) {
      for (const p of Object.values(e.paths)) expect(existsSync(p)).toBe(true);
      expect(e.buggy).toMatch(/defmodule \w+/);
      expect(e.fixed).toMatch(/defmodule \w+/);
      expect(e.buggy).not.toBe(e.fixed);
      expect(e.harness).toMatch(/defmodule Scenario do/);
      expect(e.harness).toMatch(/def run do/);
      expect(e.buggy + e.fixed).not.toMatch(/defmodule Scenario\b/);
    }
  });

  it("finds entries by id and rejects unknown ids with the list of known ones", () => {
    expect(catalogEntry("call-cycle").title).toMatch(/cycle/i);
    expect(() => catalogEntry("nope")).toThrow(UnknownCatalogEntryError);
    expect(() => catalogEntry("nope")).toThrow(/call-cycle/);
  });

  it("gives ConcurrencyScenario demos and fix-bug gold from reference pairs only", () => {
    const demos = scenarioDemos();
    expect(demos).toHaveLength(referencePairs.length);
    expect(Object.keys(demos[0]!.inputs())).toEqual(["anti_pattern"]);
    expect(Object.keys(demos[0]!.labels()).sort()).toEqual(ConcurrencyScenario.outputNames.slice().sort());
    const cases = fixBugCases();
    expect(cases.map((c) => c.id)).toEqual(referencePairs.map((e) => e.id));
    for (const c of cases) expect(fixBugCaseSchema.parse(c)).toEqual(c);
    expect(Object.keys(fixBugExamples(cases)[0]!.inputs()).sort()).toEqual(FixBug.inputNames.slice().sort());
  });
});

describe("signatures", () => {
  it("ConcurrencyScenario: anti_pattern -> buggy_code, fixed_code, explanation, harness", () => {
    expect(ConcurrencyScenario.toString()).toBe(
      "anti_pattern: string -> buggy_code: string, fixed_code: string, explanation: string, harness: string",
    );
    const harness = ConcurrencyScenario.outputFields.find((f) => f.name === "harness");
    expect(harness?.description).toBe(HARNESS_CONVENTION);
    expect(harness?.description).toMatch(/Scenario\.run\(\)/);
    for (const f of [...ConcurrencyScenario.inputFields, ...ConcurrencyScenario.outputFields])
      expect(f.description?.length).toBeGreaterThan(20);
  });

  it("FixBug: buggy_code, explanation -> fixed_code", () => {
    expect(FixBug.toString()).toBe("buggy_code: string, explanation: string -> fixed_code: string");
    expect(FixBug.instructions).toMatch(/public function/);
  });
});
