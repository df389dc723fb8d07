// The models otpforge suggests to users, in one place: every message that says
// "set a model" takes its examples from here. Chosen because they are current
// (not on their SDK's deprecated list) and priced in pricing.ts.

export const SUGGESTED_MODELS = {
  openai: { id: "openai/gpt-5-mini", key: "OPENAI_API_KEY" },
  anthropic: { id: "anthropic/claude-haiku-4-5", key: "ANTHROPIC_API_KEY" },
  local: { id: "openai-compatible/qwen2.5-coder", baseURL: "http://localhost:11434/v1" },
  ax: { id: "ax/groq/llama-3.3-70b-versatile" },
} as const;

/** One line: how to pick a model, with the suggested ones; `lmFlag: false` where the command takes no --lm. */
export function howToSetAModel(options: { lmFlag?: boolean } = {}): string {
  const s = SUGGESTED_MODELS;
  return (
    `set OTPFORGE_LM${options.lmFlag === false ? "" : " (or pass --lm)"} to provider/model, e.g. ${s.openai.id} (with ${s.openai.key}), ` +
    `${s.anthropic.id} (with ${s.anthropic.key}), or ${s.local.id} with OPENAI_BASE_URL=${s.local.baseURL} for Ollama`
  );
}

/**
 * The one "no model configured" message of otpforge (the core's
 * NoLMConfiguredError, the CLI, the examples): that there is none, and how to
 * set one.
 */
export function noModelMessage(options: { lmFlag?: boolean } = {}): string {
  return `No language model is configured: ${howToSetAModel(options)}`;
}
