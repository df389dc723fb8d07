// OpenAI Chat Completions wire format (`POST /v1/chat/completions`) as the
// fake server reads and writes it. Only the non-streaming subset otpforge uses.
import type { ChatMessage, Role } from "../../lm/types.js";
import type { FakeRequest } from "./types.js";
import type { ResolvedReply } from "./reply.js";

export function parseOpenAIRequest(body: Record<string, unknown>): Omit<FakeRequest, "seq" | "choiceIndex" | "headers" | "body"> {
  const rawMessages = Array.isArray(body.messages) ? body.messages : [];
  const messages: ChatMessage[] = rawMessages.map((m) => {
    const msg = m as { role?: string; content?: unknown };
    return { role: normaliseRole(msg.role), content: contentText(msg.content) };
  });
  const rf = body.response_format as { type?: string; json_schema?: { name?: string; schema?: Record<string, unknown> } } | undefined;
  const maxTokens = (body.max_completion_tokens ?? body.max_tokens) as number | undefined;
  return {
    protocol: "openai",
    model: String(body.model ?? ""),
    messages,
    temperature: typeof body.temperature === "number" ? body.temperature : undefined,
    maxTokens: typeof maxTokens === "number" ? maxTokens : undefined,
    n: typeof body.n === "number" && body.n > 0 ? body.n : 1,
    responseFormat:
      rf?.type === "json_schema" && rf.json_schema
        ? { name: String(rf.json_schema.name ?? ""), schema: rf.json_schema.schema ?? {} }
        : undefined,
  };
}

function normaliseRole(role: string | undefined): Role {
  if (role === "system" || role === "developer") return "system";
  if (role === "assistant") return "assistant";
  return "user";
}

/** Content may be a string or an array of parts ({ type: "text", text }). */
function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    return content.map((p) => (p && typeof p === "object" && "text" in p ? String((p as { text: unknown }).text) : "")).join("");
  }
  return "";
}

export function openAIResponseBody(req: Omit<FakeRequest, "choiceIndex">, replies: ResolvedReply[], seq: number): Record<string, unknown> {
  const usage = replies.reduce(
    (acc, r) => ({
      prompt: r.usage.promptTokens, // the prompt is shared by all n choices
      completion: acc.completion + r.usage.completionTokens,
      cached: r.usage.cachedTokens,
    }),
    { prompt: 0, completion: 0, cached: 0 },
  );
  return {
    id: `chatcmpl-fake-${seq}`,
    object: "chat.completion",
    created: 1_700_000_000 + seq,
    model: req.model,
    choices: replies.map((r, index) => ({
      index,
      message: { role: "assistant", content: r.text, refusal: null },
      finish_reason: r.truncated ? "length" : (r.finishReason ?? "stop"),
      logprobs: null,
    })),
    usage: {
      prompt_tokens: usage.prompt,
      completion_tokens: usage.completion,
      total_tokens: usage.prompt + usage.completion,
      prompt_tokens_details: { cached_tokens: usage.cached },
    },
  };
}

export function openAIErrorBody(status: number, message: string): Record<string, unknown> {
  const type = status === 429 ? "rate_limit_exceeded" : status >= 500 ? "server_error" : "invalid_request_error";
  return { error: { message, type, code: type, param: null } };
}
