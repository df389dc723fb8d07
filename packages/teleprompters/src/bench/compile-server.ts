// The fake model behind `otpforge bench compile`: a FakeProviderServer whose
// handler spells words, charges each call a latency that grows with the
// prompt, and logs what every call carried. Both systems talk to the same
// server over HTTP, so whatever is counted here is counted the same way for
// both, from the bytes they actually sent, not from what either claims.
import type { ChatMessage } from "@otpforge/core";
import { FakeProviderServer, type FakeRequest } from "@otpforge/core/testing";

/**
 * Prompt tokens of one request, by the rule the fake server uses for the
 * `usage` it reports (4 characters a token, rounded up, plus 4 per message for
 * the role and separators). It is an estimate, not a real tokenizer, but the
 * same estimate for both systems; no tokenizer package is in this workspace.
 */
export function promptTokensOf(messages: readonly ChatMessage[]): number {
  return messages.reduce((sum, m) => sum + (m.content.length === 0 ? 0 : Math.ceil(m.content.length / 4)) + 4, 0);
}

/** What one LM call carried and what it was charged. */
export interface CallRecord {
  promptTokens: number;
  /**
   * Demos in the prompt: both otpforge's chat adapter and Ax render a demo as
   * a user turn followed by an assistant turn, and neither sends any other
   * assistant turn for a one-step `question -> answer` program, so the
   * assistant turns are the demos.
   */
  demos: number;
  /** The latency this call was charged (0 while charging is off). */
  latencyMs: number;
  /** The word the call asked to spell: the order a compile visited the trainset in. */
  word: string;
}

export interface LatencyModel {
  /** Fixed part of every call, ms. */
  baseMs: number;
  /** Added per prompt token, in microseconds (250 = 0.25 ms a token). */
  usPerPromptToken: number;
}

/**
 * The word the request asks to spell, from its last message: otpforge sends
 * `[[ ## question ## ]]\nspell WORD`, Ax `...Question: spell WORD`.
 */
function askedWord(req: FakeRequest): string {
  return /spell (\w+)/.exec(req.messages.at(-1)?.content ?? "")?.[1] ?? "";
}

export class SpellerServer {
  /** The words the model spells right; set per repeat by the bench. */
  known: ReadonlySet<string> = new Set();
  /** Off for warm-ups and scoring, which are not timed: they need not wait. */
  charging = true;
  private log: CallRecord[] = [];

  private constructor(
    readonly server: FakeProviderServer,
    readonly latency: LatencyModel,
  ) {}

  static async start(latency: LatencyModel): Promise<SpellerServer> {
    // The server's own latencyMs is fixed per request and is applied before the
    // body is parsed; the handler sleeps instead, once it knows the prompt size.
    let self: SpellerServer | undefined;
    const server = await FakeProviderServer.start({ latencyMs: 0, handler: (req) => self!.answer(req) });
    self = new SpellerServer(server, latency);
    return self;
  }

  get openaiBaseURL(): string {
    return this.server.openaiBaseURL;
  }

  /**
   * The model spells exactly the known words right, whatever the prompt holds,
   * so how many demos or which demos a prompt carries cannot change a score:
   * every system that keeps the same number of demos scores the same.
   */
  private async answer(req: FakeRequest): Promise<string> {
    const word = askedWord(req);
    const spelled = this.known.has(word) ? word.toUpperCase() : word;
    // n > 1 would call the handler once per choice for one request: count and charge the request once.
    if (req.choiceIndex === 0) {
      const promptTokens = promptTokensOf(req.messages);
      const latencyMs = this.charging ? this.latency.baseMs + (this.latency.usPerPromptToken * promptTokens) / 1000 : 0;
      this.log.push({ promptTokens, demos: req.messages.filter((m) => m.role === "assistant").length, latencyMs, word });
      if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
    }
    // Answer in the format of whichever client asked: otpforge's chat adapter or Ax's "Field: value" lines.
    return req.messages[0]?.content.includes("[[ ## ") ? `[[ ## answer ## ]]\n${spelled}\n\n[[ ## completed ## ]]` : `Answer: ${spelled}`;
  }

  /**
   * The calls since the last take(), once none is still being served: a
   * request a compile started but did not wait for belongs to that compile,
   * not to the next one.
   */
  async take(): Promise<CallRecord[]> {
    while (this.server.inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const calls = this.log;
    this.log = [];
    return calls;
  }

  close(): Promise<void> {
    return this.server.close();
  }
}
