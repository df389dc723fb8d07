import { describe, it, expect } from "vitest";
import { rng, hashValue, stableStringify } from "../src/index.js";

describe("Rng", () => {
  it("gives the same sequence for the same seed and another for another seed", () => {
    const a = rng(42),
      b = rng(42),
      c = rng(43);
    const seqA = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(seqA);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(seqA);
  });

  it("shuffles without losing or changing elements and without touching the input", () => {
    const input = [1, 2, 3, 4, 5, 6, 7, 8];
    const out = rng("s").shuffle(input);
    expect(input).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(out.slice().sort()).toEqual(input);
    expect(rng("s").shuffle(input)).toEqual(out);
  });

  it("samples k distinct items and integers within bounds", () => {
    const r = rng(7);
    const s = r.sample(["a", "b", "c", "d"], 2);
    expect(new Set(s).size).toBe(2);
    for (let i = 0; i < 200; i++) {
      const n = r.int(3, 5);
      expect(n).toBeGreaterThanOrEqual(3);
      expect(n).toBeLessThanOrEqual(5);
    }
    expect(() => r.int(5, 3)).toThrow(/min <= max/);
  });
});

describe("stable hashing", () => {
  it("ignores key order and changes with content", () => {
    expect(stableStringify({ b: 1, a: [{ d: 2, c: 3 }] })).toBe('{"a":[{"c":3,"d":2}],"b":1}');
    expect(hashValue({ a: 1, b: 2 })).toBe(hashValue({ b: 2, a: 1 }));
    expect(hashValue({ a: 1 })).not.toBe(hashValue({ a: 2 }));
  });
});
