// Errors a user of the LM clients can meet. Each says what went wrong and
// what to do; none ever contains an API key.
import { OtpforgeError } from "../errors.js";
import { SUGGESTED_MODELS } from "./models.js";
import type { AttemptRecord } from "./retry.js";

/** A model spec or LM option is wrong (bad spec, unknown provider, missing URL). */
export class LMConfigError extends OtpforgeError {
  constructor(message: string, code = "LM_CONFIG") {
    super(code, message, { category: "input" });
  }
}

export class UnknownProviderError extends LMConfigError {
  readonly provider: string;
  constructor(spec: string, provider: string, validPrefixes: readonly string[]) {
    super(
      `Unknown LM provider "${provider}" in "${spec}". Use one of: ${validPrefixes.join(", ")} ` +
        `(e.g. "${SUGGESTED_MODELS.openai.id}", "${SUGGESTED_MODELS.anthropic.id}", "${SUGGESTED_MODELS.local.id}" with a baseURL, "${SUGGESTED_MODELS.ax.id}").`,
      "LM_UNKNOWN_PROVIDER",
    );
    this.provider = provider;
  }
}

export class MissingAPIKeyError extends LMConfigError {
  /** The environment variable that was read. */
  readonly variable: string;
  constructor(lmId: string, variable: string, alternatives: readonly string[] = []) {
    const also = alternatives.length ? ` (or ${alternatives.join(" / ")})` : "";
    super(`No API key for ${lmId}: set the ${variable} environment variable${also}, or pass { apiKey } to lm().`, "LM_MISSING_API_KEY");
    this.variable = variable;
  }
}

/**
 * A request failed for good: either a non-retryable error (bad request,
 * authentication) or every retry was used up. `attempts` says what happened
 * on each try, and the message lists them.
 */
export class LMRequestError extends OtpforgeError {
  readonly lm: string;
  readonly attempts: readonly AttemptRecord[];
  /** The failure kind of the last attempt ("rate_limit", "timeout", ...). */
  readonly kind: AttemptRecord["kind"];
  readonly status?: number;

  constructor(lm: string, attempts: readonly AttemptRecord[], hint: string, options?: { cause?: unknown }) {
    const last = attempts[attempts.length - 1] as AttemptRecord;
    const head =
      attempts.length === 1 && !last.retryable
        ? `${lm}: request failed (not retried: ${last.kind.replace("_", " ")}).`
        : `${lm}: request failed after ${attempts.length} attempt${attempts.length === 1 ? "" : "s"}.`;
    const lines = attempts.map((a) => `  ${a.attempt}. ${describeAttempt(a)}`);
    super("LM_REQUEST_FAILED", `${head}\n${lines.join("\n")}\n${hint}`, { ...options, category: "run" });
    this.lm = lm;
    this.attempts = attempts;
    this.kind = last.kind;
    this.status = last.status;
  }
}

function describeAttempt(a: AttemptRecord): string {
  const status = a.status !== undefined ? `HTTP ${a.status} ` : "";
  const wait =
    a.waitMs !== undefined ? ` — retrying in ${formatMs(a.waitMs)}${a.retryAfterMs !== undefined ? " (server's retry-after)" : ""}` : "";
  return `${status}${a.kind.replace("_", " ")} after ${formatMs(a.latencyMs)}: ${a.message}${wait}`;
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(ms >= 10_000 ? 0 : 1)} s` : `${Math.round(ms)} ms`;
}
