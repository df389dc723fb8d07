// A Predict program end to end over HTTP: signature -> adapter -> LM client
// -> real SDK -> fake provider server -> back through parsing, with both
// adapters and every provider path.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { ChatAdapter, JSONAdapter, Predict, signature, withTrace, type Adapter } from "../src/index.js";
import { FakeProviderServer, type FakeRequest } from "../src/testing/index.js";
import { makeLM, PROVIDER_PATHS, TempDirs } from "./lm-helpers.js";

const Add = signature({
  name: "Add",
  instructions: "Add the two numbers in the question.",
  inputs: { question: z.string().describe("a question like 'What is 2 + 3?'") },
  outputs: {
    explanation: z.string().describe("how the sum was found"),
    sum: z.number().describe("the sum"),
  },
});

/**
 * Stands in for a model: computes the sum asked for in the prompt and
 * answers in the format the prompt asks for (provider structured output,
 * JSON in the text, or ChatAdapter's [[ ## field ## ]] sections).
 */
function arithmeticModel(req: FakeRequest): string {
  const asked = req.messages
    .filter((x) => x.role === "user")
    .map((x) => x.content)
    .join("\n");
  const m = /What is (\d+) \+ (\d+)\?/.exec(asked);
  if (!m) return "I cannot tell what to add.";
  const a = Number(m[1]);
  const b = Number(m[2]);
  const outputs = { explanation: `${a} plus ${b}`, sum: a + b };
  const system = req.messages.find((x) => x.role === "system")?.content ?? "";
  if (req.responseFormat || req.forcedTool || !system.includes("[[ ## completed ## ]]")) return JSON.stringify(outputs);
  return `[[ ## explanation ## ]]\n${outputs.explanation}\n\n[[ ## sum ## ]]\n${outputs.sum}\n\n[[ ## completed ## ]]`;
}

const ADAPTERS: Array<[string, () => Adapter]> = [
  ["ChatAdapter", () => new ChatAdapter()],
  ["JSONAdapter", () => new JSONAdapter()],
];

describe.each(PROVIDER_PATHS)("Predict over HTTP with $spec", (path) => {
  let server: FakeProviderServer;
  const dirs = new TempDirs();
  beforeAll(async () => {
    server = await FakeProviderServer.start({ handler: arithmeticModel });
  });
  afterAll(async () => {
    await server.close();
    dirs.cleanup();
  });
  beforeEach(() => {
    server.reset();
    server.handler = arithmeticModel;
  });

  it.each(ADAPTERS)("%s: answers, then serves the same call from the cache", async (name, makeAdapter) => {
    const model = makeLM(path, server, { cacheDir: dirs.make() });
    const add = new Predict(Add, { lm: model, adapter: makeAdapter() });
    const { result: pred, trace } = await withTrace(() => add.forward({ question: "What is 19 + 23?" }));
    expect(pred.outputs).toEqual({ explanation: "19 plus 23", sum: 42 });
    expect(pred.lm).toBe(model.id);
    expect(pred.usage.promptTokens).toBeGreaterThan(0);
    expect(pred.cacheHit).toBe(false);
    expect(trace).toHaveLength(1);

    const body = server.requests[0]!.body as Record<string, unknown>;
    const structured = name === "JSONAdapter" ? path.structured : "none";
    expect(body.response_format !== undefined).toBe(structured === "response_format");
    expect(body.tool_choice !== undefined).toBe(structured === "forced_tool");
    expect(body.output_config !== undefined).toBe(structured === "native_format");

    const again = await add.forward({ question: "What is 19 + 23?" });
    expect(again.outputs.sum).toBe(42);
    expect(again.cacheHit).toBe(true);
    expect(again.usage.promptTokens).toBe(0);
    expect(server.modelRequests).toHaveLength(1);

    const rollout = await add.forward({ question: "What is 19 + 23?" }, { rolloutId: 7 });
    expect(rollout.cacheHit).toBe(false);
    expect(server.modelRequests).toHaveLength(2);
  });

  it.each(ADAPTERS)("%s: an unparseable first answer is retried with the error shown to the model", async (_name, makeAdapter) => {
    let calls = 0;
    server.handler = (req) => (calls++ === 0 ? "Sure! The sum is forty-two." : arithmeticModel(req));
    const add = new Predict(Add, { lm: makeLM(path, server, { cache: false }), adapter: makeAdapter() });
    const pred = await add.forward({ question: "What is 40 + 2?" });
    expect(pred.outputs.sum).toBe(42);
    expect(pred.attempts).toBe(2);
    expect(server.modelRequests).toHaveLength(2);
    const retry = JSON.stringify(server.requests[1]!.body);
    expect(retry).toContain("Sure! The sum is forty-two.");
    expect(retry).toContain("could not be used");
  });
});
