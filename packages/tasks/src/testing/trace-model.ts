// The demo-aware test model for trace data: gold answers are the records'
// answers (observed on the BEAM), a demo helps the questions of its own
// family, and the model's mistakes are the partly right kind an optimizer
// must not keep: a list with its last element missing scores between 0 and 1
// under traceAnswer.
import { hashValue } from "@otpforge/core";
import { demoAwareLM, demoAwareReply, type DemoAwareOptions, type KnownQuestion } from "@otpforge/core/testing";
import type { ChatMessage } from "@otpforge/core";
import { parseTerm, printTerm, type Term, type TraceRecord } from "@otpforge/otp-signatures";

// Prompts carry field values trimmed, so the key is made of trimmed values.
const key = (f: { process_code?: string; event_trace?: string; question?: string }) =>
  hashValue([f.process_code, f.event_trace, f.question].map((v) => (v ?? "").trim()));

/** A wrong answer for a trace question: partly right for lists, plainly wrong otherwise. */
export function traceMistake(known: KnownQuestion): string {
  const a = known.answer.trim();
  const list = listOf(a);
  // [x, y, z] -> [x, y], element-wise (an element may hold commas: [{:add, 1}, {:add, 2}]).
  if (list && list.items.length >= 2 && !list.tail) return printTerm({ type: "list", items: list.items.slice(0, -1) });
  if (/^-?\d+$/.test(a)) return String(Number(a) + 1);
  return a === ":no_idea" ? ":other" : ":no_idea";
}

function listOf(text: string): Extract<Term, { type: "list" }> | undefined {
  try {
    const t = parseTerm(text);
    return t.type === "list" ? t : undefined;
  } catch {
    return undefined;
  }
}

export function traceModelOptions(records: readonly TraceRecord[], zeroShotRight = 1 / 3): DemoAwareOptions {
  const gold = new Map(records.map((r) => [key(r), { answer: r.answer, kind: r.family }]));
  return {
    lookup: (fields) => gold.get(key(fields)),
    answerField: "prediction",
    mistake: traceMistake,
    zeroShotRight,
    extraOutputs: { reasoning: "Following each mailbox in order." },
  };
}

/** The in-process LM. */
export const traceDemoLM = (records: readonly TraceRecord[], zeroShotRight?: number) =>
  demoAwareLM(traceModelOptions(records, zeroShotRight));

/** A FakeProviderServer handler (the same model over real HTTP). */
export const traceDemoHandler = (records: () => readonly TraceRecord[], zeroShotRight?: number) => (req: { messages: ChatMessage[] }) =>
  demoAwareReply(req.messages, traceModelOptions(records(), zeroShotRight));
