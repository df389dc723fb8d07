// The concurrent families' baselines: the majority answer's exact accuracy, and
// that of offering what one uncontrolled run showed (kept beside the records,
// not in them).
import { describe, expect, it } from "vitest";
import { baselines } from "../src/traces/concurrent/stats.js";

describe("baselines", () => {
  it("scores the most common answer and one run's value offered as the only outcome", () => {
    const records = [
      { id: "a", answer: "[1, 2]" },
      { id: "b", answer: "[1, 2]" },
      { id: "c", answer: "[3]" },
      { id: "d", answer: "[:deadlock, :ok]" },
    ];
    // One run of a, b and d saw one of their outcomes, which is right only where it is the only one (c).
    const b = baselines(records, { a: "1", c: "3", d: ":ok" });
    expect(b).toEqual({ majority: 0.5, oneRun: 0.333, oneRunOf: 3 });
  });

  it("has no one-run figure without runs (records read back from a file)", () => {
    expect(baselines([{ id: "a", answer: "[1]" }])).toEqual({ majority: 1, oneRun: null, oneRunOf: 0 });
  });
});
