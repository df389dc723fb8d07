// One string picks a model: lm("openai/gpt-5-mini"), lm("anthropic/claude-haiku-4-5"),
// lm("openai-compatible/qwen2.5-coder", { baseURL }), lm("ax/groq/llama-3.3-70b-versatile"),
// or OTPFORGE_LM when code names none.
import { defaultCacheDir } from "./cache.js";
import { LM_DEFAULTS, LMClient, type LMOptions } from "./client.js";
import { LMConfigError, MissingAPIKeyError, UnknownProviderError } from "./errors.js";
import { anthropicTransport } from "./providers/anthropic.js";
import { axKeyVariables, axNeedsKey, axNeedsURL, axProviderId, axProviderIds, axTransport } from "./providers/ax.js";
import { openAITransport } from "./providers/openai.js";

export const PROVIDER_PREFIXES = ["openai/", "openai-compatible/", "anthropic/", "ax/<provider>/"] as const;

export const OPENAI_DEFAULT_BASE_URL = "https://api.openai.com/v1";
export const ANTHROPIC_DEFAULT_BASE_URL = "https://api.anthropic.com";

// SDK timeouts sit above the client's own, so a slow answer is always reported
// by the client (as a timeout, with its attempt record), not by the SDK.
const SDK_TIMEOUT_MARGIN_MS = 5_000;

export interface LMSpec {
  provider: "openai" | "openai-compatible" | "anthropic" | "ax";
  /** Ax's provider name as written ("groq", "claude"...), for ax/ specs. */
  axProvider?: string;
  /** Everything after the provider; may itself contain slashes ("Qwen/Qwen2.5-Coder-7B"). */
  model: string;
}

export function parseLMSpec(spec: string): LMSpec {
  if (typeof spec !== "string" || !spec.trim()) {
    throw new LMConfigError(
      `An LM is named "provider/model", got ${JSON.stringify(spec)}. Prefixes: ${PROVIDER_PREFIXES.join(", ")}.`,
      "LM_BAD_SPEC",
    );
  }
  const s = spec.trim();
  const slash = s.indexOf("/");
  if (slash < 0) {
    throw new LMConfigError(
      `"${s}" names no provider. Write "provider/model", e.g. "openai/${s}" or "anthropic/${s}"; prefixes: ${PROVIDER_PREFIXES.join(", ")}.`,
      "LM_BAD_SPEC",
    );
  }
  const provider = s.slice(0, slash);
  const rest = s.slice(slash + 1);
  if (provider === "ax") {
    const i = rest.indexOf("/");
    if (i <= 0 || i === rest.length - 1) {
      throw new LMConfigError(
        `"${s}": Ax models are named "ax/<provider>/<model>", e.g. "ax/groq/llama-3.3-70b-versatile".`,
        "LM_BAD_SPEC",
      );
    }
    return { provider: "ax", axProvider: rest.slice(0, i), model: rest.slice(i + 1) };
  }
  if (provider !== "openai" && provider !== "openai-compatible" && provider !== "anthropic") {
    throw new UnknownProviderError(s, provider, PROVIDER_PREFIXES);
  }
  if (!rest) throw new LMConfigError(`"${s}" names no model after "${provider}/".`, "LM_BAD_SPEC");
  return { provider, model: rest };
}

/**
 * An LM client for a "provider/model" spec. Keys come from the provider's
 * usual variable (OPENAI_API_KEY, ANTHROPIC_API_KEY, GROQ_API_KEY, ...)
 * unless options.apiKey is given.
 */
export function lm(spec: string, options: LMOptions = {}): LMClient {
  const parsed = parseLMSpec(spec);
  const env = options.env ?? process.env;
  const sdkTimeoutMs = (options.timeoutMs ?? LM_DEFAULTS.timeoutMs) + SDK_TIMEOUT_MARGIN_MS;
  const cacheDir = options.cacheDir ?? defaultCacheDir(env);
  const structuredOutput = options.structuredOutput ?? true;
  const common = { options, cacheDir };

  switch (parsed.provider) {
    case "openai": {
      const apiKey = options.apiKey ?? nonEmpty(env.OPENAI_API_KEY);
      if (!apiKey) throw new MissingAPIKeyError(`openai/${parsed.model}`, "OPENAI_API_KEY");
      const baseURL = options.baseURL ?? nonEmpty(env.OPENAI_BASE_URL) ?? OPENAI_DEFAULT_BASE_URL;
      const transport = openAITransport({
        apiKey,
        baseURL,
        model: parsed.model,
        sdkTimeoutMs,
        headers: options.headers,
        structuredOutput,
        maxTokensField: "max_completion_tokens",
      });
      return new LMClient({
        ...common,
        provider: "openai",
        model: parsed.model,
        baseURL,
        transport,
        secrets: [apiKey],
        keyVariable: "OPENAI_API_KEY",
      });
    }
    case "openai-compatible": {
      const fromEnvURL = options.baseURL === undefined ? nonEmpty(env.OPENAI_BASE_URL) : undefined;
      const baseURL = options.baseURL ?? fromEnvURL;
      if (!baseURL) {
        throw new LMConfigError(
          `openai-compatible/${parsed.model} needs the server's base URL: pass { baseURL } to lm() or set OPENAI_BASE_URL ` +
            "(Ollama: http://localhost:11434/v1, vLLM: http://localhost:8000/v1, LM Studio: http://localhost:1234/v1, llama.cpp server: http://localhost:8080/v1).",
          "LM_MISSING_BASE_URL",
        );
      }
      // OPENAI_API_KEY only travels with OPENAI_BASE_URL (the pair the OpenAI SDK itself reads);
      // a base URL given in code gets OPENAI_COMPATIBLE_API_KEY or none, so an OpenAI key never
      // reaches another server by accident. Local servers need no key.
      const apiKey = options.apiKey ?? nonEmpty(env.OPENAI_COMPATIBLE_API_KEY) ?? (fromEnvURL ? nonEmpty(env.OPENAI_API_KEY) : undefined);
      const transport = openAITransport({
        apiKey: apiKey ?? "no-key",
        baseURL,
        model: parsed.model,
        sdkTimeoutMs,
        headers: options.headers,
        structuredOutput,
        maxTokensField: "max_tokens",
      });
      return new LMClient({
        ...common,
        provider: "openai-compatible",
        model: parsed.model,
        baseURL,
        transport,
        secrets: apiKey ? [apiKey] : [],
        keyVariable: "OPENAI_COMPATIBLE_API_KEY",
      });
    }
    case "anthropic": {
      const apiKey = options.apiKey ?? nonEmpty(env.ANTHROPIC_API_KEY);
      if (!apiKey) throw new MissingAPIKeyError(`anthropic/${parsed.model}`, "ANTHROPIC_API_KEY");
      const baseURL = options.baseURL ?? nonEmpty(env.ANTHROPIC_BASE_URL) ?? ANTHROPIC_DEFAULT_BASE_URL;
      const transport = anthropicTransport({
        apiKey,
        baseURL,
        model: parsed.model,
        sdkTimeoutMs,
        headers: options.headers,
        defaultMaxTokens: options.maxTokens ?? 4096,
        structuredOutput,
      });
      return new LMClient({
        ...common,
        provider: "anthropic",
        model: parsed.model,
        baseURL,
        transport,
        secrets: [apiKey],
        keyVariable: "ANTHROPIC_API_KEY",
      });
    }
    case "ax": {
      const name = parsed.axProvider as string;
      const id = axProviderId(name);
      if (!id)
        throw new UnknownProviderError(
          spec.trim(),
          `ax/${name}`,
          axProviderIds().map((p) => `ax/${p}/`),
        );
      const vars = axKeyVariables(id);
      const apiKey = options.apiKey ?? vars.map((v) => nonEmpty(env[v])).find((v) => v !== undefined);
      const lmId = `ax/${id}/${parsed.model}`;
      if (!apiKey && axNeedsKey(id)) throw new MissingAPIKeyError(lmId, vars[0] as string, vars.slice(1));
      if (!options.baseURL && axNeedsURL(id)) {
        throw new LMConfigError(`${lmId} needs the server's base URL: pass { baseURL } to lm().`, "LM_MISSING_BASE_URL");
      }
      const transport = axTransport({
        provider: id,
        model: parsed.model,
        apiKey,
        baseURL: options.baseURL,
        sdkTimeoutMs,
        headers: options.headers,
        structuredOutput,
      });
      return new LMClient({
        ...common,
        provider: `ax/${id}`,
        model: parsed.model,
        baseURL: options.baseURL,
        transport,
        secrets: apiKey ? [apiKey] : [],
        keyVariable: vars[0],
      });
    }
  }
}

/** The LM named by OTPFORGE_LM (a new client each call), or undefined when the variable is unset. */
export function lmFromEnv(options: LMOptions = {}): LMClient | undefined {
  const spec = nonEmpty((options.env ?? process.env).OTPFORGE_LM);
  return spec ? lm(spec, options) : undefined;
}

let shared: { spec: string; client: LMClient } | undefined;

/**
 * The process-wide LM named by OTPFORGE_LM, created once per distinct value
 * (so its usage, history and in-flight limit are shared by every caller).
 * Used by currentLM() when no LM is configured in code.
 */
export function envLM(): LMClient | undefined {
  const spec = nonEmpty(process.env.OTPFORGE_LM);
  if (!spec) return undefined;
  if (shared?.spec !== spec) shared = { spec, client: lm(spec) };
  return shared.client;
}

function nonEmpty(v: string | undefined): string | undefined {
  const t = v?.trim();
  return t ? t : undefined;
}
