// Turns what a handler returned into a complete reply: text, every usage
// figure, finish reason, and (for the "truncated" fault) the cut-off text.
import type { ChatMessage } from "../../lm/types.js";
import type { FakeReply } from "./types.js";

export interface ResolvedReply {
  text: string;
  usage: { promptTokens: number; completionTokens: number; cachedTokens: number };
  /** As the handler gave it; each wire format supplies its own default. */
  finishReason?: string;
  /** Set by the "truncated" fault: the wire reports "length" / "max_tokens". */
  truncated: boolean;
}

/** A stand-in tokenizer: 4 characters a token, at least 1 for non-empty text. */
export function estimateTokens(text: string): number {
  return text.length === 0 ? 0 : Math.ceil(text.length / 4);
}

export function promptTokens(messages: ChatMessage[]): number {
  return messages.reduce((sum, m) => sum + estimateTokens(m.content) + 4, 0);
}

export function resolveReply(out: string | FakeReply, messages: ChatMessage[], truncate: boolean): ResolvedReply {
  const reply: FakeReply = typeof out === "string" ? { text: out } : out;
  if (typeof reply.text !== "string") {
    throw new TypeError(`FakeProviderServer handler must return a string or { text: string }, got ${JSON.stringify(out)}`);
  }
  const text = truncate ? reply.text.slice(0, Math.floor(reply.text.length / 2)) : reply.text;
  return {
    text,
    usage: {
      promptTokens: reply.usage?.promptTokens ?? promptTokens(messages),
      completionTokens: reply.usage?.completionTokens ?? estimateTokens(text),
      cachedTokens: reply.usage?.cachedTokens ?? 0,
    },
    finishReason: truncate ? undefined : reply.finishReason,
    truncated: truncate,
  };
}
