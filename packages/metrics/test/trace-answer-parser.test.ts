import { describe, it, expect } from "vitest";
import { parseTerm, printTerm, TermParseError } from "@otpforge/otp-signatures";
import { termEquals, exitClass, normalizeTerm } from "../src/internal.js";

const p = (s: string) => printTerm(parseTerm(s));

describe("Elixir term literal parser", () => {
  it("reads scalars: integers (with underscores, signs, hex), floats, atoms, booleans, nil, strings", () => {
    expect(parseTerm("42")).toEqual({ type: "integer", value: 42n });
    expect(parseTerm("-1_000")).toEqual({ type: "integer", value: -1000n });
    expect(parseTerm("0x1F")).toEqual({ type: "integer", value: 31n });
    expect(parseTerm("12345678901234567890123")).toEqual({ type: "integer", value: 12345678901234567890123n });
    expect(parseTerm("2.5e3")).toEqual({ type: "float", value: 2500 });
    expect(parseTerm(":ok")).toEqual({ type: "atom", value: "ok" });
    expect(parseTerm(":empty?")).toEqual({ type: "atom", value: "empty?" });
    expect(parseTerm(':"with space"')).toEqual({ type: "atom", value: "with space" });
    expect(parseTerm("true")).toEqual({ type: "atom", value: "true" });
    expect(parseTerm("nil")).toEqual({ type: "atom", value: "nil" });
    expect(parseTerm('"a\\n\\"b\\""')).toEqual({ type: "string", value: 'a\n"b"' });
    expect(parseTerm(":nonode@nohost")).toEqual({ type: "atom", value: "nonode@nohost" });
  });

  it("reads aliases as Elixir.-prefixed atoms, equal to the quoted atom", () => {
    expect(parseTerm("Counter")).toEqual({ type: "atom", value: "Elixir.Counter" });
    expect(parseTerm("World.Supervisor")).toEqual({ type: "atom", value: "Elixir.World.Supervisor" });
    expect(termEquals(parseTerm("RuntimeError"), parseTerm(':"Elixir.RuntimeError"'))).toBe(true);
    expect(termEquals(parseTerm(":Foo"), parseTerm("Foo"))).toBe(false);
  });

  it("reads lists, keyword lists, improper lists, tuples, maps and structs", () => {
    expect(p("[1, :a, [2]]")).toBe("[1, :a, [2]]");
    expect(p("[add: 4, schedule: 30]")).toBe("[{:add, 4}, {:schedule, 30}]");
    expect(termEquals(parseTerm("[add: 4]"), parseTerm("[{:add, 4}]"))).toBe(true);
    expect(p("[1, {:x, 2}, y: 3]")).toBe("[1, {:x, 2}, {:y, 3}]");
    expect(p("[:alias | :ref]")).toBe("[:alias | :ref]");
    expect(p("[1 | [2, 3]]")).toBe("[1, 2, 3]");
    expect(p("{:exit, {:noproc, {GenServer, :call, [A, :get, 5000]}}}")).toBe("{:exit, {:noproc, {GenServer, :call, [A, :get, 5000]}}}");
    expect(p('%{"b" => [2], a: 1}')).toBe('%{"b" => [2], :a => 1}');
    expect(p('%RuntimeError{message: "boom"}')).toBe('%{:__struct__ => RuntimeError, :message => "boom"}');
    expect(p("{}")).toBe("{}");
    expect(p("[ 1 , 2 , ]")).toBe("[1, 2]");
  });

  it("reads charlists as lists of code points and opaque pids/references as :pid/:ref", () => {
    expect(p("'ab'")).toBe("[97, 98]");
    expect(p('~c"ab"')).toBe("[97, 98]");
    expect(p("{#PID<0.110.0>, #Reference<0.1.2.3>}")).toBe("{:pid, :ref}");
  });

  it("refuses code: variables, calls, interpolation, trailing text; errors say where", () => {
    for (const bad of ["x", "foo(1)", '"#{x}"', "[1, 2", "{:a :b}", "1 + 2", "%{a => }", "", "<<1, 2>>", "[a: 1, 2]"]) {
      expect(() => parseTerm(bad), bad).toThrow(TermParseError);
    }
    try {
      parseTerm("[1,\n 2 3]");
      expect.unreachable();
    } catch (err) {
      expect((err as Error).message).toMatch(/line 2, column 4/);
    }
  });

  it("does not blow the stack on deep nesting", () => {
    expect(() => parseTerm("[".repeat(5000) + "]".repeat(5000))).toThrow(/nests too deeply/);
  });
});

describe("exit classes and normalisation", () => {
  const cls = (s: string) => printTerm(exitClass(parseTerm(s)));

  it("peels GenServer.call wrappers and names exceptions by module", () => {
    expect(cls("{:noproc, {GenServer, :call, [A, :get, 5000]}}")).toBe(":noproc");
    expect(cls("{{:timeout, {GenServer, :call, [B, :get, 60]}}, {GenServer, :call, [A, {:ask, :get}, 5000]}}")).toBe(":timeout");
    expect(cls("{:calling_self, {GenServer, :call, [A, :get, 5000]}}")).toBe(":calling_self");
    expect(cls('{%RuntimeError{message: "limit exceeded"}, [{A, :handle_cast, 2, []}]}')).toBe("RuntimeError");
    expect(cls("{:function_clause, [{A, :handle_call, 3, []}]}")).toBe("FunctionClauseError");
    expect(cls(":killed")).toBe(":killed");
  });

  it("compares {:exit, reason} by class, numbers by value and maps without order", () => {
    expect(termEquals(parseTerm("{:exit, :noproc}"), parseTerm("{:exit, {:noproc, {GenServer, :call, [A, :get, 5000]}}}"))).toBe(true);
    expect(termEquals(parseTerm("{:exit, :noproc}"), parseTerm("{:exit, :timeout}"))).toBe(false);
    expect(termEquals(parseTerm("2"), parseTerm("2.0"))).toBe(true);
    expect(termEquals(parseTerm("%{b: 1, a: 2}"), parseTerm("%{a: 2, b: 1}"))).toBe(true);
    expect(printTerm(normalizeTerm(parseTerm("{:exit, %ArithmeticError{}}")))).toBe("{:exit, ArithmeticError}");
  });
});
