// A test model that is helped only by good demos, so a test can see an
// optimizer get worse. It answers a question right when the prompt holds a
// correct demo of the same kind (and no wrong one), wrong when a demo of that
// kind is wrong, and without such demos right only on a fixed share of
// questions. "Correct" means the demo's answer equals the gold answer for the
// demo's own question: the gold answers are the test's data (established on the
// BEAM for trace data), never decided by this model.
import { hashValue } from "../hash.js";
import type { ChatMessage } from "../lm/types.js";
import { chatFields } from "./chat-fields.js";
import { ScriptedLM, type ScriptedLMOptions } from "./scripted-lm.js";

export interface KnownQuestion {
  /** The right answer, as the metric compares it. */
  answer: string;
  /** Demos help questions of their own kind only (e.g. the trace question family). */
  kind: string;
}

export interface DemoAwareOptions {
  /** The gold answer and kind of the question whose input fields are given; undefined when unknown. */
  lookup(fields: Record<string, string>): KnownQuestion | undefined;
  /** The output field that carries the answer (e.g. "prediction"). */
  answerField: string;
  /** The model's mistake on a question: a wrong, possibly partly right, answer. */
  mistake(known: KnownQuestion, fields: Record<string, string>): string;
  /** Share of questions answered right when no demo of their kind is shown. Default 1/3. */
  zeroShotRight?: number;
  /** The answer when no demo of the question's kind is shown, instead of the zeroShotRight rule (e.g. a naive reading). */
  guess?(known: KnownQuestion, fields: Record<string, string>): string;
  /** Output fields written before the answer, e.g. { reasoning: "..." } for ChainOfThought. */
  extraOutputs?: Record<string, string>;
}

/** How the model would answer `messages` (chat-adapter layout), as the reply text. */
export function demoAwareReply(messages: readonly ChatMessage[], o: DemoAwareOptions): string {
  const users = messages.map((m, i) => ({ m, i })).filter(({ m }) => m.role === "user");
  const query = users.at(-1);
  const fields = query ? chatFields(query.m.content) : {};
  const known = o.lookup(fields);
  let answer: string;
  if (!known) {
    answer = ":no_idea";
  } else {
    // Demos: each user message before the query with the assistant message that follows it.
    let right = false;
    let wrong = false;
    for (const { m, i } of users.slice(0, -1)) {
      const reply = messages[i + 1];
      if (reply?.role !== "assistant") continue;
      const demo = o.lookup(chatFields(m.content));
      if (!demo || demo.kind !== known.kind) continue;
      const given = chatFields(reply.content)[o.answerField];
      if (given === undefined) continue;
      if (given.trim() === demo.answer.trim()) right = true;
      else wrong = true;
    }
    const lucky = () => parseInt(hashValue(fields).slice(0, 8), 16) / 0xffffffff < (o.zeroShotRight ?? 1 / 3);
    const unhelped = () => (o.guess ? o.guess(known, fields) : lucky() ? known.answer : o.mistake(known, fields));
    answer = wrong ? o.mistake(known, fields) : right ? known.answer : unhelped();
  }
  const sections = { ...(o.extraOutputs ?? {}), [o.answerField]: answer };
  return (
    Object.entries(sections)
      .map(([k, v]) => `[[ ## ${k} ## ]]\n${v}\n\n`)
      .join("") + "[[ ## completed ## ]]"
  );
}

/** demoAwareReply as an in-process LM (the fake HTTP server takes demoAwareReply directly). */
export function demoAwareLM(o: DemoAwareOptions, options: ScriptedLMOptions = {}): ScriptedLM {
  return new ScriptedLM((request) => demoAwareReply(request.messages, o), options);
}
