import { describe, expect, it } from "vitest";
import {
  DESIGN_PROBLEMS,
  InvalidDesignProblemError,
  REQUIREMENT_KINDS,
  designExamples,
  designProblem,
  parseDesignProblem,
} from "@otpforge/otp-signatures";
import { designDemos, isElixirLiteral, problemDescription } from "../src/internal.js";

describe("the reference design problems", () => {
  it("has at least 12 problems with unique ids, each valid and with a reference skeleton", () => {
    expect(DESIGN_PROBLEMS.length).toBeGreaterThanOrEqual(12);
    expect(new Set(DESIGN_PROBLEMS.map((p) => p.id)).size).toBe(DESIGN_PROBLEMS.length);
    for (const p of DESIGN_PROBLEMS) {
      expect(() => parseDesignProblem(structuredClone(p))).not.toThrow();
      expect(p.reference.skeleton).toContain(`defmodule ${p.topModule} do`);
      expect(p.reference.skeleton).toMatch(/use Supervisor/);
      expect(p.reference.architecture.length).toBeGreaterThan(100);
    }
  });

  it("uses every requirement kind somewhere, and each of the three strategies", () => {
    const kinds = new Set(DESIGN_PROBLEMS.flatMap((p) => p.requirements.map((r) => r.kind)));
    expect([...kinds].sort()).toEqual([...REQUIREMENT_KINDS].sort());
    const strategies = new Set(DESIGN_PROBLEMS.flatMap((p) => p.requirements.flatMap((r) => (r.kind === "strategy" ? [r.strategy] : []))));
    expect([...strategies].sort()).toEqual(["one_for_all", "one_for_one", "rest_for_one"]);
    const restarts = new Set(DESIGN_PROBLEMS.flatMap((p) => p.requirements.flatMap((r) => (r.kind === "restart_type" ? [r.restart] : []))));
    expect([...restarts].sort()).toEqual(["permanent", "temporary", "transient"]);
  });

  it("spreads problems over several categories", () => {
    const categories = new Set(DESIGN_PROBLEMS.map((p) => p.category));
    expect(categories.size).toBeGreaterThanOrEqual(4);
  });

  it("describes a problem with its story and its contract, without revealing the requirements", () => {
    const p = designProblem("shop-backend");
    const text = problemDescription(p);
    expect(text).toContain(p.story);
    expect(text).toContain("`Shop.Supervisor` with `start_link(opts)`");
    expect(text).not.toContain("rest_for_one");
    expect(problemDescription(designProblem("query-cache"))).toContain("must reach the processes that use it");
  });

  it("names the known ids when a problem id is unknown", () => {
    expect(() => designProblem("nope")).toThrow(/unknown design problem "nope"; known: query-cache/);
  });

  it("builds eval examples whose only input is the description, and full demos from the references", () => {
    const examples = designExamples();
    expect(examples).toHaveLength(DESIGN_PROBLEMS.length);
    expect(Object.keys(examples[0]!.inputs())).toEqual(["problem_description"]);
    expect(examples[0]!.labels()).toMatchObject({ problem_id: DESIGN_PROBLEMS[0]!.id, category: DESIGN_PROBLEMS[0]!.category });
    const demos = designDemos();
    expect(demos[0]!.data.code_skeleton).toBe(DESIGN_PROBLEMS[0]!.reference.skeleton);
  });
});

describe("Elixir literals in design problems", () => {
  it("accepts plain data", () => {
    for (const ok of [
      '"users:1"',
      "42",
      ":ok",
      "{:ok, 42}",
      "[ttl_ms: 1_000, size: 4]",
      "{Pool.Connection, 2}",
      "Chat.Registry",
      "nil",
      "[]",
      "-3",
    ]) {
      expect(isElixirLiteral(ok), ok).toBe(true);
    }
  });

  it("rejects code, interpolation and unbalanced brackets", () => {
    for (const bad of ['File.rm!("x")', '"#{System.halt()}"', "fn -> 1 end", "{:ok", "[1]]", "x", "Kernel.exit(1)", "", '"a\\" <> b"']) {
      expect(isElixirLiteral(bad), bad).toBe(false);
    }
  });

  it("refuses a problem from a file that tries to call code, and says where", () => {
    const p = structuredClone(designProblem("query-cache")) as any;
    p.requirements[0].setup = [{ fn: "QueryCache.put", args: ['System.cmd("rm", [])', "1"] }];
    expect(() => parseDesignProblem(p, "data.jsonl:3")).toThrow(InvalidDesignProblemError);
    expect(() => parseDesignProblem(p, "data.jsonl:3")).toThrow(/data\.jsonl:3 is invalid: .*not a plain Elixir literal/);
  });

  it("refuses duplicate requirement ids and an ordered restart that kills a child outside its order", () => {
    const p = structuredClone(designProblem("shop-backend")) as any;
    p.requirements[1].id = p.requirements[0].id;
    expect(() => parseDesignProblem(p)).toThrow(/appears twice/);
    const q = structuredClone(designProblem("shop-backend")) as any;
    q.requirements[1].kill = "Shop.Other";
    expect(() => parseDesignProblem(q)).toThrow(/not in its order list/);
  });
});
