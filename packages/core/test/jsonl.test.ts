import { describe, expect, it } from "vitest";
import { jsonLines } from "../src/index.js";

const invalid = (line: number, cause: Error) => new Error(`f.jsonl:${line}: not JSON (${cause.name})`);

describe("jsonLines", () => {
  it("gives each non-blank line's value with its line number", () => {
    expect([...jsonLines('{"a":1}\n\n  \n[2]\n"x"\n', { invalid })]).toEqual([
      { line: 1, value: { a: 1 } },
      { line: 4, value: [2] },
      { line: 5, value: "x" },
    ]);
    expect([...jsonLines("", { invalid })]).toEqual([]);
  });

  it("names the line that is not JSON, in the caller's error", () => {
    expect(() => [...jsonLines('{"a":1}\n\n{oops\n{"b":2}\n', { invalid })]).toThrow("f.jsonl:3: not JSON (SyntaxError)");
  });

  it("is lazy: a caller that checks each value meets the first wrong line first", () => {
    const seen: number[] = [];
    expect(() => {
      for (const { line } of jsonLines("1\n2\n{bad\n", { invalid })) {
        seen.push(line);
        if (line === 2) throw new Error("line 2 is wrong");
      }
    }).toThrow("line 2 is wrong");
    expect(seen).toEqual([1, 2]);
  });

  it("with tolerateTornTail, skips only an unfinished last line", () => {
    const torn = '{"a":1}\n{"b":';
    expect(() => [...jsonLines(torn, { invalid })]).toThrow("f.jsonl:2");
    expect([...jsonLines(torn, { invalid, tolerateTornTail: true })]).toEqual([{ line: 1, value: { a: 1 } }]);
    expect([...jsonLines('{"a":1}\n{"b":\n  ', { invalid, tolerateTornTail: true })]).toEqual([{ line: 1, value: { a: 1 } }]);
    // A finished line (newline after it) or one followed by more records is a real error.
    expect(() => [...jsonLines('{"a":1}\n{"b":\n', { invalid, tolerateTornTail: true })]).toThrow("f.jsonl:2");
    expect(() => [...jsonLines('{"b":\n{"a":1}', { invalid, tolerateTornTail: true })]).toThrow("f.jsonl:1");
  });
});
