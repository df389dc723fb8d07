// Shared set-up for the LM client tests: the provider paths, a fake
// provider server, a private cache directory, and a retry policy that
// records its waits instead of sleeping.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { lm, LMCache, type LMClient, type LMOptions } from "../src/index.js";
import type { FakeProviderServer, FakeProtocol } from "../src/testing/index.js";

export const SECRET = "sk-test-SECRET-7f3a9c1e5b";

export interface ProviderPath {
  spec: string;
  /** The variable the key is read from. */
  keyVar: string;
  protocol: FakeProtocol;
  baseURL(server: FakeProviderServer): string;
  /** Whether a JSON-schema request reaches the wire as structured output. */
  structured: "response_format" | "native_format" | "forced_tool" | "none";
}

export const PROVIDER_PATHS: ProviderPath[] = [
  {
    spec: "openai/gpt-4o-mini",
    keyVar: "OPENAI_API_KEY",
    protocol: "openai",
    baseURL: (s) => s.openaiBaseURL,
    structured: "response_format",
  },
  {
    spec: "openai-compatible/qwen2.5-coder",
    keyVar: "OPENAI_COMPATIBLE_API_KEY",
    protocol: "openai",
    baseURL: (s) => s.openaiBaseURL,
    structured: "response_format",
  },
  {
    spec: "anthropic/claude-test",
    keyVar: "ANTHROPIC_API_KEY",
    protocol: "anthropic",
    baseURL: (s) => s.anthropicBaseURL,
    structured: "native_format",
  },
  {
    spec: "ax/openai/gpt-4o-mini",
    keyVar: "OPENAI_API_KEY",
    protocol: "openai",
    baseURL: (s) => s.openaiBaseURL,
    structured: "response_format",
  },
  { spec: "ax/anthropic/claude-test", keyVar: "ANTHROPIC_API_KEY", protocol: "anthropic", baseURL: (s) => s.url, structured: "none" },
];

export class TempDirs {
  private dirs: string[] = [];

  make(prefix = "otpforge-lm-"): string {
    const d = mkdtempSync(join(tmpdir(), prefix));
    this.dirs.push(d);
    return d;
  }

  cleanup(): void {
    for (const d of this.dirs.splice(0)) {
      LMCache.forDir(d).close();
      rmSync(d, { recursive: true, force: true });
    }
  }
}

/** Records the waits the retry logic asks for; jitter fixed at 0.5 so delays are exact. */
export function recordingRetry(extra: LMOptions["retry"] = {}): { waits: number[]; retry: NonNullable<LMOptions["retry"]> } {
  const waits: number[] = [];
  return {
    waits,
    retry: {
      baseDelayMs: 100,
      jitter: () => 0.5,
      sleep: async (ms: number) => {
        waits.push(ms);
      },
      ...extra,
    },
  };
}

export function makeLM(path: ProviderPath, server: FakeProviderServer, options: LMOptions = {}): LMClient {
  return lm(path.spec, {
    env: { [path.keyVar]: SECRET },
    baseURL: path.baseURL(server),
    ...options,
  });
}

export const user = (content: string) => [{ role: "user" as const, content }];
