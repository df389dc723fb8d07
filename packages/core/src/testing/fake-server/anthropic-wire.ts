// Anthropic Messages wire format (`POST /v1/messages`) as the fake server
// reads and writes it, including a tool forced with tool_choice (the way
// otpforge asks Anthropic for structured output).
import type { ChatMessage } from "../../lm/types.js";
import type { FakeRequest } from "./types.js";
import type { ResolvedReply } from "./reply.js";

export function parseAnthropicRequest(body: Record<string, unknown>): Omit<FakeRequest, "seq" | "choiceIndex" | "headers" | "body"> {
  const messages: ChatMessage[] = [];
  const system = blocksText(body.system);
  if (system) messages.push({ role: "system", content: system });
  for (const m of Array.isArray(body.messages) ? body.messages : []) {
    const msg = m as { role?: string; content?: unknown };
    messages.push({ role: msg.role === "assistant" ? "assistant" : "user", content: blocksText(msg.content) });
  }
  const choice = body.tool_choice as { type?: string; name?: string } | undefined;
  const tools = (Array.isArray(body.tools) ? body.tools : []) as Array<{ name?: string; input_schema?: Record<string, unknown> }>;
  const forced = choice?.type === "tool" ? tools.find((t) => t.name === choice.name) : undefined;
  return {
    protocol: "anthropic",
    model: String(body.model ?? ""),
    messages,
    temperature: typeof body.temperature === "number" ? body.temperature : undefined,
    maxTokens: typeof body.max_tokens === "number" ? body.max_tokens : undefined,
    n: 1,
    forcedTool: forced ? { name: String(forced.name), schema: forced.input_schema ?? {} } : undefined,
  };
}

/** `system` and `content` may be a string or an array of blocks. */
function blocksText(value: unknown): string {
  if (typeof value === "string") return value;
  if (Array.isArray(value)) {
    return value.map((b) => (b && typeof b === "object" && "text" in b ? String((b as { text: unknown }).text) : "")).join("");
  }
  return "";
}

export function anthropicResponseBody(req: Omit<FakeRequest, "choiceIndex">, reply: ResolvedReply, seq: number): Record<string, unknown> {
  let content: Array<Record<string, unknown>> = [{ type: "text", text: reply.text }];
  let stopReason = reply.truncated ? "max_tokens" : (reply.finishReason ?? "end_turn");
  // A forced tool answers with the tool's input object; the handler writes it as JSON text.
  if (req.forcedTool && !reply.truncated) {
    const input = tryParseObject(reply.text);
    if (input) {
      content = [{ type: "tool_use", id: `toolu_fake_${seq}`, name: req.forcedTool.name, input }];
      stopReason = reply.finishReason ?? "tool_use";
    }
  }
  return {
    id: `msg_fake_${seq}`,
    type: "message",
    role: "assistant",
    model: req.model,
    content,
    stop_reason: stopReason,
    stop_sequence: null,
    usage: {
      // Anthropic counts cache reads apart from input_tokens.
      input_tokens: reply.usage.promptTokens - reply.usage.cachedTokens,
      output_tokens: reply.usage.completionTokens,
      cache_read_input_tokens: reply.usage.cachedTokens,
      cache_creation_input_tokens: 0,
    },
  };
}

function tryParseObject(text: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function anthropicErrorBody(status: number, message: string): Record<string, unknown> {
  const type =
    status === 429 ? "rate_limit_error" : status === 529 ? "overloaded_error" : status >= 500 ? "api_error" : "invalid_request_error";
  return { type: "error", error: { type, message } };
}
