// What a FakeProviderServer handler sees and may answer. The same shapes
// serve both wire protocols, so a test can switch provider without
// rewriting its handler.
import type { ChatMessage } from "../../lm/types.js";

export type FakeProtocol = "openai" | "anthropic";

/** A request as the fake server understood it, protocol details removed. */
export interface FakeRequest {
  protocol: FakeProtocol;
  model: string;
  /** Anthropic's top-level `system` is returned here as a leading system message. */
  messages: ChatMessage[];
  temperature?: number;
  maxTokens?: number;
  /** Completions asked for (OpenAI `n`; always 1 for Anthropic). */
  n: number;
  /** Which of the n completions is being answered (0-based). */
  choiceIndex: number;
  /** OpenAI `response_format: { type: "json_schema" }` when sent. */
  responseFormat?: { name: string; schema: Record<string, unknown> };
  /** Anthropic tool the client forced with `tool_choice: { type: "tool" }`. */
  forcedTool?: { name: string; schema: Record<string, unknown> };
  /** 0-based arrival number of the HTTP request since start or the last reset(). */
  seq: number;
  body: Record<string, unknown>;
  headers: Record<string, string>;
}

export interface FakeReply {
  text: string;
  /** Unset parts are estimated from characters (4 per token). */
  usage?: { promptTokens?: number; completionTokens?: number; cachedTokens?: number };
  /** Default "stop" (Anthropic: "end_turn", or "tool_use" for a forced tool). */
  finishReason?: string;
}

export type FakeHandler = (req: FakeRequest) => string | FakeReply | Promise<string | FakeReply>;

/**
 * A misbehaviour injected into the next request(s), in arrival order:
 * - rate_limit: HTTP 429 with `retry-after` (seconds) and/or `retry-after-ms`
 * - server_error: HTTP 500 (or `status`) with a provider-style error body
 * - malformed_json: HTTP 200 whose JSON body is cut off mid-way
 * - slow: the normal answer, but only after `delayMs` (to trip client timeouts)
 * - truncated: the answer cut in half with finish reason "length" / "max_tokens"
 * - disconnect: the socket is destroyed without any response
 */
export type FakeFault =
  | { kind: "rate_limit"; retryAfterSeconds?: number; retryAfterMs?: number }
  | { kind: "server_error"; status?: number; message?: string; headers?: Record<string, string> }
  | { kind: "malformed_json" }
  | { kind: "slow"; delayMs: number }
  | { kind: "truncated" }
  | { kind: "disconnect" };

export interface RecordedRequest {
  protocol: FakeProtocol | "unknown";
  method: string;
  path: string;
  headers: Record<string, string>;
  /** Parsed JSON body (undefined when it was not JSON). */
  body: unknown;
  /** The fault applied to this request, if any. */
  fault?: FakeFault["kind"];
  seq: number;
}

export interface FakeProviderServerOptions {
  handler?: FakeHandler;
  /** Delay before every answer, in ms (default 0). */
  latencyMs?: number;
  /** Delay between the events of a streamed (`stream: true`) answer, in ms (default 0). */
  streamChunkDelayMs?: number;
  /** Interface to listen on (default 127.0.0.1); the port is always chosen by the OS. */
  host?: string;
}
