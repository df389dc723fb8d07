import { z } from "zod";
import { ChainOfThought, Module, Predict, example, hashValue, signature, type Example, type LMRequest, type Metric } from "@otpforge/core";
import { ScriptedLM, chatReply, inputOf } from "@otpforge/core/testing";

export const NAMES = [
  "alpha",
  "bravo",
  "charlie",
  "delta",
  "echo",
  "foxtrot",
  "golf",
  "hotel",
  "india",
  "juliett",
  "kilo",
  "lima",
  "mike",
  "november",
  "oscar",
  "papa",
];

export const QA = signature({
  name: "Spell",
  instructions: "Spell the word in capitals.",
  inputs: { question: z.string().describe("the request") },
  outputs: { answer: z.string().describe("the word in capitals") },
});

export class SpellProgram extends Module {
  answer = new Predict(QA);
  async forward(inputs: { question: string }) {
    return this.answer.forward(inputs);
  }
}

/** Two steps: a chain of thought that names the word, then a predictor that spells it. */
export class TwoStepProgram extends Module {
  find = new ChainOfThought(signature({ name: "Find", inputs: { question: z.string() }, outputs: { word: z.string() } }));
  spell = new Predict(signature({ name: "SpellWord", inputs: { word: z.string() }, outputs: { answer: z.string() } }));
  async forward(inputs: { question: string }) {
    const found = await this.find.forward(inputs);
    return this.spell.forward({ word: found.outputs.word });
  }
}

export function trainset(n: number, offset = 0): Example[] {
  return NAMES.slice(offset, offset + n).map((name) =>
    example({ question: `spell ${name}`, answer: name.toUpperCase(), id: `ex-${name}` }).withInputs("question"),
  );
}

export const exactAnswer: Metric = (ex, prediction) => (prediction as { outputs: { answer: string } }).outputs.answer === ex.data.answer;

/** The word a Spell request asks about (from the request's own input, not its demos). */
export function wordOf(request: LMRequest): string {
  return (inputOf(request, "question") ?? inputOf(request, "word") ?? "").replace(/^spell /, "");
}

/**
 * A spelling LM: right unless the word is in `wrong` (at temperature 1.0,
 * words in `wrongOnlyCold` are right). Latency varies per request so that
 * concurrent runs finish out of order.
 */
export function spellingLM(opts: { wrong?: string[]; wrongOnlyCold?: string[]; latency?: boolean } = {}) {
  return new ScriptedLM(
    (request) => {
      const word = wordOf(request);
      const hot = request.temperature === 1.0;
      const bad = opts.wrong?.includes(word) || (!hot && opts.wrongOnlyCold?.includes(word));
      return chatReply({ answer: bad ? "WRONG" : word.toUpperCase() });
    },
    opts.latency === false ? {} : { latencyMs: (r) => parseInt(hashValue(r.messages).slice(0, 2), 16) % 7 },
  );
}

/** Demos of the final user message of a request: the user/assistant pairs before it. */
export function demoQuestions(request: LMRequest): string[] {
  return request.messages
    .slice(1, -1)
    .filter((m) => m.role === "user")
    .map((m) => m.content.replace(/^\[\[ ## question ## \]\]\n/, "").split("\n")[0]!);
}
