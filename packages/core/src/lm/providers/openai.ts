// OpenAI Chat Completions through the official `openai` SDK; also every
// OpenAI-compatible server (Ollama, vLLM, LM Studio, llama.cpp server) via
// a base URL. Structured output: response_format with the JSON schema.
import { createRequire } from "node:module";
import type OpenAIType from "openai";
import type { ChatCompletionCreateParamsNonStreaming } from "openai/resources/chat/completions";
import { classifySDKError, type ClassifiedFailure } from "../retry.js";
import type { LMRequest } from "../types.js";
import { BadResponseError, isBadResponse, isRefusal, providerSchema, safeName, type Transport, type TransportResult } from "./transport.js";

const requireCJS = createRequire(import.meta.url);

export interface OpenAITransportConfig {
  apiKey: string;
  baseURL?: string;
  model: string;
  /** The SDK's own timeout; set above the client's so the client's fires first. */
  sdkTimeoutMs: number;
  headers?: Record<string, string>;
  /** Send response_format json_schema when asked for structured output (default true). */
  structuredOutput: boolean;
  /**
   * OpenAI's current name for the output limit is max_completion_tokens;
   * many compatible servers only know max_tokens.
   */
  maxTokensField: "max_completion_tokens" | "max_tokens";
}

export function openAITransport(cfg: OpenAITransportConfig): Transport {
  // Loaded on first use so importing @otpforge/core stays cheap.
  const { OpenAI } = requireCJS("openai") as { OpenAI: typeof OpenAIType };
  const client = new OpenAI({
    apiKey: cfg.apiKey,
    baseURL: cfg.baseURL,
    maxRetries: 0, // retries are otpforge's (lm/retry.ts), with a record of every attempt
    timeout: cfg.sdkTimeoutMs,
    defaultHeaders: cfg.headers,
  });

  // Set once the server refused a json_schema response_format: from then on
  // this LM asks for a plain JSON object instead (the schema stays in the prompt).
  let schemaRefused = false;

  return {
    supportsN: true,
    async complete(req: LMRequest, signal: AbortSignal, stream?: { progress: () => void }): Promise<TransportResult> {
      let body = openAIBody(cfg, req);
      if (schemaRefused && body.response_format?.type === "json_schema") body = { ...body, response_format: { type: "json_object" } };
      const send = (b: ChatCompletionCreateParamsNonStreaming) =>
        stream ? streamed(client, b, signal, stream.progress) : client.chat.completions.create(b, { signal });
      let res;
      try {
        res = await send(body);
      } catch (err) {
        if (body.response_format?.type !== "json_schema" || !isRefusal(err, /response_format|json_schema|schema/i)) throw err;
        schemaRefused = true;
        res = await send({ ...body, response_format: { type: "json_object" } });
      }
      if (!res || !Array.isArray(res.choices) || res.choices.length === 0) {
        throw new BadResponseError(`the response has no choices: ${JSON.stringify(res).slice(0, 200)}`);
      }
      const choices = [...res.choices].sort((a, b) => a.index - b.index);
      return {
        completions: choices.map((c) => ({ text: c.message?.content ?? "", finishReason: c.finish_reason ?? undefined })),
        usage: {
          promptTokens: res.usage?.prompt_tokens ?? 0,
          completionTokens: res.usage?.completion_tokens ?? 0,
          cachedTokens: res.usage?.prompt_tokens_details?.cached_tokens ?? 0,
        },
      };
    },
    classify(err: unknown): ClassifiedFailure {
      if (isBadResponse(err)) return { kind: "bad_response", retryable: true, message: err.message };
      return classifySDKError(err);
    },
  };
}

type Completed = {
  choices: Array<{ index: number; message: { content: string | null }; finish_reason: string | null }>;
  usage?: { prompt_tokens?: number; completion_tokens?: number; prompt_tokens_details?: { cached_tokens?: number } } | null;
};

/** The same request as a stream: the chunks put back together into one completion. */
async function streamed(
  client: OpenAIType,
  body: ChatCompletionCreateParamsNonStreaming,
  signal: AbortSignal,
  progress: () => void,
): Promise<Completed> {
  const stream = await client.chat.completions.create({ ...body, stream: true, stream_options: { include_usage: true } }, { signal });
  const choices = new Map<number, { index: number; message: { content: string }; finish_reason: string | null }>();
  let usage: Completed["usage"];
  for await (const chunk of stream) {
    progress();
    if (chunk.usage) usage = chunk.usage;
    for (const c of chunk.choices ?? []) {
      const acc = choices.get(c.index) ?? { index: c.index, message: { content: "" }, finish_reason: null };
      if (c.delta?.content) acc.message.content += c.delta.content;
      if (c.finish_reason) acc.finish_reason = c.finish_reason;
      choices.set(c.index, acc);
    }
  }
  return { choices: [...choices.values()], usage };
}

export function openAIBody(
  cfg: Pick<OpenAITransportConfig, "model" | "structuredOutput" | "maxTokensField">,
  req: LMRequest,
): ChatCompletionCreateParamsNonStreaming {
  const body: ChatCompletionCreateParamsNonStreaming = {
    model: cfg.model,
    messages: req.messages.map((m) => ({ role: m.role, content: m.content })),
  };
  if (req.temperature !== undefined) body.temperature = req.temperature;
  if (req.maxTokens !== undefined) body[cfg.maxTokensField] = req.maxTokens;
  if (req.n !== undefined && req.n !== 1) body.n = req.n;
  if (req.reasoningEffort !== undefined) body.reasoning_effort = req.reasoningEffort;
  const rf = req.responseFormat;
  if (rf?.type === "json_schema" && cfg.structuredOutput) {
    body.response_format = {
      type: "json_schema",
      // strict mode needs every property required and additionalProperties false,
      // which zod schemas with optional fields do not satisfy; non-strict still guides decoding.
      json_schema: { name: safeName(rf.name), schema: providerSchema(rf), strict: rf.strict ?? false },
    };
  }
  // Provider parameters the client has no field for (top_p, stop, seed, ...), as given.
  if (req.providerOptions) Object.assign(body, req.providerOptions);
  return body;
}
