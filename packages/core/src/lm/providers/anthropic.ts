// Anthropic Messages through the official `@anthropic-ai/sdk`. System
// messages go to the top-level `system`. Structured output is native
// (output_config.format) until the API refuses it for a model; then a single
// tool the model is forced to call, whose input comes back as JSON text.
import { createRequire } from "node:module";
import type AnthropicType from "@anthropic-ai/sdk";
import type { MessageCreateParamsNonStreaming } from "@anthropic-ai/sdk/resources/messages";
import { classifySDKError, type ClassifiedFailure } from "../retry.js";
import type { LMRequest } from "../types.js";
import { BadResponseError, isBadResponse, isRefusal, providerSchema, safeName, type Transport, type TransportResult } from "./transport.js";

const requireCJS = createRequire(import.meta.url);

export interface AnthropicTransportConfig {
  apiKey: string;
  baseURL?: string;
  model: string;
  sdkTimeoutMs: number;
  headers?: Record<string, string>;
  /** Anthropic requires max_tokens; used when a request sets none. */
  defaultMaxTokens: number;
  /** Force a tool whose input is the JSON answer when a request carries a schema (default true). */
  structuredOutput?: boolean;
}

// The SDK warns (console.warn) on every call to a deprecated model: a 200-call
// compile would print it 200 times over the progress line. Each distinct
// warning is let through once per process.
const DEPRECATION = /^The model '[^']+' is deprecated/;
let dedupeInstalled = false;
function warnOncePerModel(): void {
  if (dedupeInstalled) return;
  dedupeInstalled = true;
  const seen = new Set<string>();
  const original = console.warn.bind(console);
  console.warn = (...args: unknown[]) => {
    const first = typeof args[0] === "string" ? args[0] : "";
    if (DEPRECATION.test(first)) {
      if (seen.has(first)) return;
      seen.add(first);
    }
    original(...args);
  };
}

export function anthropicTransport(cfg: AnthropicTransportConfig): Transport {
  const { Anthropic } = requireCJS("@anthropic-ai/sdk") as { Anthropic: typeof AnthropicType };
  warnOncePerModel();
  // Native structured output (output_config.format) until the API says this model has none.
  let nativeFormat = true;
  const client = new Anthropic({
    apiKey: cfg.apiKey,
    baseURL: cfg.baseURL,
    maxRetries: 0, // retries are otpforge's (lm/retry.ts)
    timeout: cfg.sdkTimeoutMs,
    defaultHeaders: cfg.headers,
  });

  return {
    supportsN: false,
    async complete(req: LMRequest, signal: AbortSignal, stream?: { progress: () => void }): Promise<TransportResult> {
      const send = (b: MessageCreateParamsNonStreaming) =>
        stream ? streamed(client, b, signal, stream.progress) : client.messages.create(b, { signal });
      let body = anthropicBody({ ...cfg, nativeFormat }, req);
      let res;
      try {
        res = await send(body);
      } catch (err) {
        if (!usesNativeFormat(body) || !isRefusal(err, /output_config|output_format|format|structured/i)) throw err;
        // This model has no native structured output: the forced tool from now on.
        nativeFormat = false;
        body = anthropicBody({ ...cfg, nativeFormat }, req);
        res = await send(body);
      }
      if (!res || !Array.isArray(res.content))
        throw new BadResponseError(`the response has no content: ${JSON.stringify(res).slice(0, 200)}`);
      const toolName = body.tool_choice?.type === "tool" ? body.tool_choice.name : undefined;
      const tool = toolName ? res.content.find((b) => b.type === "tool_use" && b.name === toolName) : undefined;
      const text =
        tool && tool.type === "tool_use"
          ? JSON.stringify(tool.input)
          : res.content
              .filter((b) => b.type === "text")
              .map((b) => (b.type === "text" ? b.text : ""))
              .join("");
      const u = res.usage;
      const cacheRead = u?.cache_read_input_tokens ?? 0;
      return {
        completions: [{ text, finishReason: finishReason(res.stop_reason, Boolean(tool)) }],
        usage: {
          // Anthropic's input_tokens leaves out cache reads and writes; otpforge's promptTokens counts every prompt token.
          promptTokens: (u?.input_tokens ?? 0) + cacheRead + (u?.cache_creation_input_tokens ?? 0),
          completionTokens: u?.output_tokens ?? 0,
          cachedTokens: cacheRead,
        },
      };
    },
    classify(err: unknown): ClassifiedFailure {
      if (isBadResponse(err)) return { kind: "bad_response", retryable: true, message: err.message };
      return classifySDKError(err);
    },
  };
}

type Block = { type: "text"; text: string } | { type: "tool_use"; name: string; input: unknown; json: string };
type Assembled = {
  content: Block[];
  stop_reason: string | null;
  usage: {
    input_tokens: number;
    output_tokens: number;
    cache_read_input_tokens?: number | null;
    cache_creation_input_tokens?: number | null;
  };
};

/** The same request as a stream of events, put back together into one message. */
async function streamed(
  client: AnthropicType,
  body: MessageCreateParamsNonStreaming,
  signal: AbortSignal,
  progress: () => void,
): Promise<Assembled> {
  const events = await client.messages.create({ ...body, stream: true }, { signal });
  const msg: Assembled = { content: [], stop_reason: null, usage: { input_tokens: 0, output_tokens: 0 } };
  for await (const e of events) {
    progress();
    if (e.type === "message_start") msg.usage = { ...msg.usage, ...(e.message.usage as Assembled["usage"]) };
    else if (e.type === "content_block_start") {
      const b = e.content_block;
      msg.content[e.index] =
        b.type === "tool_use"
          ? { type: "tool_use", name: b.name, input: {}, json: "" }
          : { type: "text", text: b.type === "text" ? b.text : "" };
    } else if (e.type === "content_block_delta") {
      const b = msg.content[e.index];
      if (b?.type === "text" && e.delta.type === "text_delta") b.text += e.delta.text;
      if (b?.type === "tool_use" && e.delta.type === "input_json_delta") b.json += e.delta.partial_json;
    } else if (e.type === "message_delta") {
      msg.stop_reason = e.delta.stop_reason ?? msg.stop_reason;
      msg.usage.output_tokens = e.usage.output_tokens;
    }
  }
  for (const b of msg.content) if (b?.type === "tool_use" && b.json) b.input = JSON.parse(b.json);
  return msg;
}

/** Anthropic's stop reasons in the vocabulary adapters check ("stop", "length"). */
function finishReason(stop: string | null | undefined, forcedToolAnswered: boolean): string | undefined {
  if (stop === "max_tokens") return "length";
  if (stop === "end_turn" || stop === "stop_sequence") return "stop";
  if (stop === "tool_use" && forcedToolAnswered) return "stop";
  return stop ?? undefined;
}

function usesNativeFormat(body: MessageCreateParamsNonStreaming): boolean {
  return Boolean((body as unknown as { output_config?: { format?: unknown } }).output_config?.format);
}

export function anthropicBody(
  cfg: Pick<AnthropicTransportConfig, "model" | "defaultMaxTokens" | "structuredOutput"> & { nativeFormat?: boolean },
  req: LMRequest,
): MessageCreateParamsNonStreaming {
  const system = req.messages
    .filter((m) => m.role === "system")
    .map((m) => m.content)
    .join("\n\n");
  const body: MessageCreateParamsNonStreaming = {
    model: cfg.model,
    max_tokens: req.maxTokens ?? cfg.defaultMaxTokens,
    messages: req.messages.filter((m) => m.role !== "system").map((m) => ({ role: m.role as "user" | "assistant", content: m.content })),
  };
  // Prompt caching: the system prompt (instructions and field layout) and the
  // demos are the same on every call of a compiled program; marking their ends
  // lets Anthropic serve them from its cache (read at a tenth of the price).
  if (system) body.system = [{ type: "text", text: system, cache_control: { type: "ephemeral" } }];
  const lastDemo = body.messages.length - 2; // the last message before the final user turn
  if (lastDemo >= 1) {
    const m = body.messages[lastDemo]!;
    body.messages[lastDemo] = {
      role: m.role,
      content: [{ type: "text", text: m.content as string, cache_control: { type: "ephemeral" } }],
    };
  }
  // The SDK's types no longer list temperature (newer models reject sampling
  // parameters); it is still sent when a caller sets one, for the models that take it.
  if (req.temperature !== undefined) (body as unknown as Record<string, unknown>).temperature = req.temperature;
  const raw = body as unknown as Record<string, unknown>;
  if (req.thinkingBudgetTokens !== undefined) raw.thinking = { type: "enabled", budget_tokens: req.thinkingBudgetTokens };
  if (req.reasoningEffort !== undefined) raw.output_config = { effort: req.reasoningEffort === "minimal" ? "low" : req.reasoningEffort };
  const rf = req.responseFormat;
  if (rf?.type === "json_schema" && cfg.structuredOutput !== false && cfg.nativeFormat !== false) {
    // Native structured output: the answer is JSON text matching the schema.
    raw.output_config = { ...(raw.output_config as object | undefined), format: { type: "json_schema", schema: providerSchema(rf) } };
  } else if (rf?.type === "json_schema" && cfg.structuredOutput !== false) {
    const name = safeName(rf.name);
    body.tools = [
      {
        name,
        description: "Give the final answer as this tool's input; it must match the input schema.",
        input_schema: providerSchema(rf) as AnthropicType.Messages.Tool.InputSchema,
      },
    ];
    body.tool_choice = { type: "tool", name };
  }
  if (req.providerOptions) Object.assign(raw, req.providerOptions);
  return body;
}
