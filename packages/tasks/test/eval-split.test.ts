// Which records an eval scores, and what it says it scored.
import { describe, expect, it } from "vitest";
import { selectEvalSplit } from "../src/index.js";
import { EvalSplitError } from "../src/internal.js";

const rows = [
  { id: "a", split: "train" },
  { id: "b", split: "test" },
  { id: "c", split: "dev" },
  { id: "d", split: "test" },
];

describe("selectEvalSplit", () => {
  it("scores the test split of split data unless told otherwise, and names it", () => {
    expect(selectEvalSplit(rows, undefined, "f.jsonl")).toEqual({ split: "test", records: [rows[1], rows[3]] });
    expect(selectEvalSplit(rows, "dev", "f.jsonl")).toEqual({ split: "dev", records: [rows[2]] });
    expect(selectEvalSplit(rows, "all", "f.jsonl")).toEqual({ split: "all", records: rows });
  });

  it("scores every record of data without splits, and refuses a split it cannot honour", () => {
    const plain: Array<{ id: string; split?: string }> = [{ id: "x" }, { id: "y" }];
    expect(selectEvalSplit(plain, undefined, "p.jsonl")).toEqual({ records: plain });
    expect(() => selectEvalSplit(plain, "test", "p.jsonl")).toThrow(/p\.jsonl carry no split; drop --split/);
    expect(() => selectEvalSplit(rows, "validation", "f.jsonl")).toThrow(EvalSplitError);
  });
});
