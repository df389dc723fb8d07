// The Elixir-term module's pieces that the parser tests (metrics) and the
// design-problem tests do not reach: printing atoms, Lit data, function refs.
import { describe, expect, it } from "vitest";
import {
  assertAlias,
  InvalidDesignProblemError,
  messageTag,
  parseFunctionRef,
  parseTerm,
  printTerm,
  renderLit,
  tupleArg,
  type Lit,
} from "@otpforge/otp-signatures";

describe("printTerm", () => {
  it("prints atoms as Elixir writes them", () => {
    const p = (s: string) => printTerm(parseTerm(s));
    expect(["true", "false", "nil", ":ok", "Counter", ':"with space"', ":nonode@nohost"].map(p)).toEqual([
      "true",
      "false",
      "nil",
      ":ok",
      "Counter",
      ':"with space"',
      ":nonode@nohost",
    ]);
    expect(p('[a: 1, b: [2.0, "s"]]')).toBe('[{:a, 1}, {:b, [2.0, "s"]}]');
  });
});

describe("Lit, the literals of the trace worlds", () => {
  const msg: Lit = { tuple: [{ atom: "relay" }, { tuple: [{ atom: "push" }, { atom: "x" }] }, [1, { atom: "Counter" }]] };

  it("renders the text inspect/1 prints for the same term", () => {
    expect(renderLit(msg)).toBe("{:relay, {:push, :x}, [1, Counter]}");
    expect(renderLit([])).toBe("[]");
    expect(renderLit(7)).toBe("7");
  });

  it("reads a message's tag and arguments", () => {
    expect(messageTag(msg)).toBe("relay");
    expect(messageTag({ atom: "tick" })).toBe("tick");
    expect(messageTag(3)).toBeUndefined();
    expect(messageTag({ tuple: [1, 2] })).toBeUndefined();
    expect(tupleArg(msg, 1)).toEqual({ tuple: [{ atom: "push" }, { atom: "x" }] });
    expect(tupleArg({ atom: "tick" }, 1)).toBeUndefined();
  });
});

describe("names in design problems", () => {
  it("accepts module names and remote function names, and says which field is wrong", () => {
    expect(assertAlias("Chat.Registry", "f")).toBe("Chat.Registry");
    expect(() => assertAlias("chat", "topModule")).toThrow(
      new InvalidDesignProblemError('topModule: "chat" is not an Elixir module name (e.g. "Chat.Registry").'),
    );
    expect(parseFunctionRef("Cache.Store.put!", "fn")).toEqual({ module: "Cache.Store", fun: "put!" });
    expect(() => parseFunctionRef("put", "fn")).toThrow(InvalidDesignProblemError);
  });
});
