import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { InvalidSignatureError, signature, SignatureSyntaxError } from "../src/index.js";

const QA = () =>
  signature({
    name: "QA",
    instructions: "Answer briefly.",
    inputs: { question: z.string().describe("the question"), context: z.array(z.string()).describe("passages") },
    outputs: { answer: z.string().describe("a short answer"), confidence: z.number().min(0).max(1) },
  });

describe("signature (object form)", () => {
  it("keeps field order, descriptions and type labels", () => {
    const sig = QA();
    expect(sig.name).toBe("QA");
    expect(sig.instructions).toBe("Answer briefly.");
    expect(sig.inputFields.map((f) => [f.name, f.typeLabel, f.description])).toEqual([
      ["question", "string", "the question"],
      ["context", "string[]", "passages"],
    ]);
    expect(sig.outputFields.map((f) => [f.name, f.typeLabel, f.isText])).toEqual([
      ["answer", "string", true],
      ["confidence", "number", false],
    ]);
    expect(String(sig)).toBe("question: string, context: string[] -> answer: string, confidence: number");
  });

  it("derives default instructions from the field names", () => {
    const sig = signature({ inputs: { a: z.string() }, outputs: { b: z.string() } });
    expect(sig.instructions).toBe("Given the fields `a`, produce the fields `b`.");
  });

  it("gives the output JSON schema from zod", () => {
    expect(QA().outputJSONSchema()).toEqual({
      type: "object",
      properties: {
        answer: { type: "string", description: "a short answer" },
        confidence: { type: "number", minimum: 0, maximum: 1 },
      },
      required: ["answer", "confidence"],
      additionalProperties: false,
    });
  });

  it("has a hash that changes with instructions, names, types, descriptions and order, not with the display name", () => {
    const base = QA().hash();
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(QA().hash()).toBe(base);
    expect(QA().withName("Other").hash()).toBe(base);
    expect(QA().withInstructions("Answer at length.").hash()).not.toBe(base);
    const variants: Array<{ inputs: Record<string, z.ZodType>; outputs: Record<string, z.ZodType> }> = [
      { inputs: { q: z.string().describe("the question") }, outputs: { answer: z.string().describe("a short answer") } },
      { inputs: { question: z.string().describe("the question") }, outputs: { answer: z.string().describe("a short answer") } },
      { inputs: { question: z.string().describe("the question") }, outputs: { answer: z.number().describe("a short answer") } },
      { inputs: { question: z.string().describe("a question") }, outputs: { answer: z.number().describe("a short answer") } },
      { inputs: { question: z.string(), extra: z.string() }, outputs: { answer: z.string() } },
      { inputs: { extra: z.string(), question: z.string() }, outputs: { answer: z.string() } },
    ];
    const hashes = variants.map((v) => signature({ instructions: "same", ...v }).hash());
    expect(new Set(hashes).size).toBe(variants.length);
  });

  it("has the same hash in another process", () => {
    const src = fileURLToPath(new URL("../src/index.ts", import.meta.url));
    const script = `
      import { z } from "zod";
      import { signature } from ${JSON.stringify(src)};
      const sig = signature({ name: "QA", instructions: "Answer briefly.",
        inputs: { question: z.string().describe("the question"), context: z.array(z.string()).describe("passages") },
        outputs: { answer: z.string().describe("a short answer"), confidence: z.number().min(0).max(1) } });
      console.log(sig.hash());`;
    const out = execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      cwd: fileURLToPath(new URL("..", import.meta.url)),
      encoding: "utf8",
    });
    expect(out.trim()).toBe(QA().hash());
  });

  it("rejects bad field declarations with a clear error", () => {
    expect(() => signature({ inputs: { a: z.string() }, outputs: {} })).toThrow(/at least one output/);
    expect(() => signature({ inputs: { a: z.string() }, outputs: { a: z.string() } })).toThrow(/both an input and an output/);
    expect(() => signature({ inputs: { "bad name": z.string() }, outputs: { b: z.string() } })).toThrow(InvalidSignatureError);
    expect(() => signature({ inputs: { a: "string" as never }, outputs: { b: z.string() } })).toThrow(/not a zod schema/);
    expect(() => QA().prependOutput("answer", z.string())).toThrow(/already has a field "answer"/);
  });

  it("prepends and appends fields in order", () => {
    const sig = QA().prependOutput("reasoning", z.string()).appendInput("hint", z.string().optional());
    expect(sig.outputNames).toEqual(["reasoning", "answer", "confidence"]);
    expect(sig.inputNames).toEqual(["question", "context", "hint"]);
    expect(sig.instructions).toBe("Answer briefly.");
  });
});

describe("signature (shorthand)", () => {
  it("builds the same fields as the object form", () => {
    const sig = signature("question: string, context: string[], k?: int, flag: bool -> answer, score: number, tags: string[][]");
    expect(sig.inputFields.map((f) => `${f.name}:${f.typeLabel}`)).toEqual([
      "question:string",
      "context:string[]",
      "k:integer",
      "flag:boolean",
    ]);
    expect(sig.outputFields.map((f) => `${f.name}:${f.typeLabel}`)).toEqual(["answer:string", "score:number", "tags:string[][]"]);
    expect(sig.inputSchema().safeParse({ question: "q", context: [], flag: true }).success).toBe(true);
    expect(sig.inputSchema().safeParse({ question: "q", context: [], flag: true, k: 1.5 }).success).toBe(false);
    const same = signature({
      name: "x",
      inputs: { question: z.string(), context: z.array(z.string()), k: z.int().optional(), flag: z.boolean() },
      outputs: { answer: z.string(), score: z.number(), tags: z.array(z.array(z.string())) },
    });
    expect(sig.hash()).toBe(same.hash());
  });

  it("takes a name, instructions and descriptions", () => {
    const sig = signature("question -> answer", { name: "QA", instructions: "Be brief.", descriptions: { answer: "one word" } });
    expect(sig.name).toBe("QA");
    expect(sig.instructions).toBe("Be brief.");
    expect(sig.outputFields[0]!.description).toBe("one word");
    expect(() => signature("question -> answer", { descriptions: { nope: "x" } })).toThrow(/unknown fields: nope/);
  });

  const cases: Array<[string, number, RegExp]> = [
    ["question: strng -> answer", 10, /unknown type "strng"/],
    ["question answer", 15, /missing "->"/],
    ["a -> b -> c", 7, /a second "->"/],
    ["question, -> answer", 10, /empty input field/],
    ["-> answer", 0, /no input fields/],
    ["question ->", 11, /no output fields/],
    ["a,,b -> c", 2, /empty input field/],
    ["2fast: string -> answer", 0, /"2fast" is not a valid field name/],
    ["q: -> a", 2, /type is missing/],
    ["q, a -> q", 8, /"q" is declared twice/],
  ];
  it.each(cases)("reports %j at the right position", (source, position, message) => {
    let error: unknown;
    try {
      signature(source);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SignatureSyntaxError);
    const e = error as SignatureSyntaxError;
    expect(e.position).toBe(position);
    expect(e.message).toMatch(message);
    expect(e.message).toContain(`column ${position + 1}`);
    // The caret line points at the reported position.
    const lines = e.message.split("\n");
    expect(lines[2]!.indexOf("^") - 2).toBe(position);
  });
});
