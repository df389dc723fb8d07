// What a provider contributes to an LM client: one HTTP round trip through
// its SDK, and how to read that SDK's errors. Everything else (cache,
// retries, timeouts, in-flight limit, usage, history) is shared, in client.ts.
import type { ClassifiedFailure } from "../retry.js";
import type { Completion, LMRequest, ResponseFormat, Usage } from "../types.js";

export interface TransportResult {
  completions: Completion[];
  usage: Usage;
}

export interface Transport {
  /** Whether one request can return n completions; otherwise the client makes n requests. */
  readonly supportsN: boolean;
  /**
   * One attempt. Must honour `signal` (timeouts and cancellation abort it).
   * With `stream`, the answer is read as a stream and `progress` is called on
   * every chunk: the attempt's timeout then counts from the last chunk.
   */
  complete(request: LMRequest, signal: AbortSignal, stream?: { progress: () => void }): Promise<TransportResult>;
  classify(err: unknown): ClassifiedFailure;
}

/** A 2xx answer that is not a usable response (no choices, wrong shape). Retried. */
export class BadResponseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BadResponseError";
  }
}

export function isBadResponse(err: unknown): err is BadResponseError {
  return err instanceof BadResponseError;
}

/** The JSON schema as providers accept it (no top-level "$schema" keyword). */
export function providerSchema(rf: Extract<ResponseFormat, { type: "json_schema" }>): Record<string, unknown> {
  const { $schema: _drop, ...schema } = rf.schema;
  return schema;
}

/** Tool and schema names: ^[A-Za-z0-9_-]{1,64}$ for every provider. */
export function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]+/g, "_").slice(0, 64) || "output";
}

/** A 400 whose message matches `pattern`: the provider refused one feature of the request (a schema, a format). */
export function isRefusal(err: unknown, pattern: RegExp): boolean {
  const e = err as { status?: unknown; message?: unknown } | undefined;
  return e?.status === 400 && pattern.test(String(e.message ?? ""));
}
