import { describe, expect, it } from "vitest";
import { encodeFrame, FrameDecoder } from "../src/frames.js";

describe("length-prefixed frames", () => {
  it("round-trips values split at any byte boundary", () => {
    const values = [{ op: "run", id: 1, job: { script: 'IO.puts("é ✓")' } }, [1, 2, 3], "x".repeat(70_000)];
    const bytes = Buffer.concat(values.map(encodeFrame));
    for (const step of [1, 3, 4, 5, 1000, bytes.length]) {
      const d = new FrameDecoder();
      const out: unknown[] = [];
      for (let i = 0; i < bytes.length; i += step) out.push(...d.push(bytes.subarray(i, i + step)));
      expect(out).toEqual(values);
    }
  });

  it("uses a 4-byte big-endian length, like Erlang's {:packet, 4}", () => {
    const f = encodeFrame("ab");
    expect([...f.subarray(0, 4)]).toEqual([0, 0, 0, 4]);
    expect(f.subarray(4).toString()).toBe('"ab"');
  });
});
