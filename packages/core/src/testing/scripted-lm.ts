// ScriptedLM: an in-process LM for tests. It answers from rules or from a
// function of the request, and records every request it saw.
import { OtpforgeError } from "../errors.js";
import { chatFields } from "./chat-fields.js";
import type { Completion, LM, LMRequest, LMResponse, Usage } from "../lm/types.js";
import { recordUsage } from "../lm/usage.js";

export type ScriptedReply = string | Completion;
export type ReplyFn = (request: LMRequest, call: number) => ScriptedReply | ScriptedReply[] | Promise<ScriptedReply | ScriptedReply[]>;

export interface ScriptRule {
  /**
   * Which requests this rule answers: a substring or RegExp tested against the
   * whole transcript (all message contents joined by blank lines), or a predicate.
   * Omitted: every request.
   */
  when?: string | RegExp | ((request: LMRequest) => boolean);
  reply: ScriptedReply | ReplyFn;
  /** Use this rule at most this many times (e.g. one bad answer, then good ones). */
  times?: number;
}

export interface ScriptedLMOptions {
  /** Default "scripted/test". */
  id?: string;
  /** Milliseconds to wait before answering (makes concurrent calls really interleave). */
  latencyMs?: number | ((request: LMRequest) => number);
}

export class ScriptedLMNoMatchError extends OtpforgeError {
  constructor(request: LMRequest) {
    const last = [...request.messages].reverse().find((m) => m.role === "user")?.content ?? "(no user message)";
    super("SCRIPTED_LM_NO_MATCH", `ScriptedLM has no rule for this request. Last user message:\n${last.slice(0, 1500)}`);
  }
}

export class ScriptedLM implements LM {
  readonly id: string;
  /** Every request, in the order generate() was called. */
  readonly requests: LMRequest[] = [];
  private readonly rules: Array<ScriptRule & { used: number }>;
  private readonly latency: ScriptedLMOptions["latencyMs"];

  /** `script`: rules tried in order, or one reply (text, completion or function) for every request. */
  constructor(script: ScriptRule[] | ReplyFn | ScriptedReply, options: ScriptedLMOptions = {}) {
    this.id = options.id ?? "scripted/test";
    this.latency = options.latencyMs;
    const rules: ScriptRule[] = Array.isArray(script) ? script : [{ reply: script }];
    this.rules = rules.map((r) => ({ ...r, used: 0 }));
  }

  get calls(): number {
    return this.requests.length;
  }

  get lastRequest(): LMRequest | undefined {
    return this.requests[this.requests.length - 1];
  }

  async generate(request: LMRequest): Promise<LMResponse> {
    const call = this.requests.length;
    this.requests.push(structuredClone({ ...request, signal: undefined }));
    const delay = typeof this.latency === "function" ? this.latency(request) : this.latency;
    if (delay && delay > 0) await new Promise((r) => setTimeout(r, delay));
    else await Promise.resolve();
    request.signal?.throwIfAborted();
    const transcript = request.messages.map((m) => m.content).join("\n\n");
    const rule = this.rules.find((r) => (r.times === undefined || r.used < r.times) && matches(r.when, request, transcript));
    if (!rule) throw new ScriptedLMNoMatchError(request);
    rule.used++;
    const n = Math.max(1, request.n ?? 1);
    const completions: Completion[] = [];
    while (completions.length < n) {
      const got = typeof rule.reply === "function" ? await rule.reply(request, call) : rule.reply;
      for (const r of Array.isArray(got) ? got : [got]) completions.push(typeof r === "string" ? { text: r, finishReason: "stop" } : r);
    }
    const usage: Usage = {
      promptTokens: estimateTokens(transcript),
      completionTokens: completions.slice(0, n).reduce((s, c) => s + estimateTokens(c.text), 0),
      cachedTokens: 0,
    };
    // Counted like a real client's call, so that usage scopes and budgets see scripted calls too (no price: unpriced).
    recordUsage(this.id, usage, undefined, false);
    return { completions: completions.slice(0, n), usage, model: this.id, cacheHit: false };
  }
}

function matches(when: ScriptRule["when"], request: LMRequest, transcript: string): boolean {
  if (when === undefined) return true;
  if (typeof when === "string") return transcript.includes(when);
  if (when instanceof RegExp) return when.test(transcript);
  return when(request);
}

/** Roughly four characters a token: enough to make usage visible in tests. */
function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** The text a ChatAdapter answer with these outputs has ([[ ## field ## ]] sections, then completed). */
export function chatReply(outputs: Record<string, unknown>): string {
  const sections = Object.entries(outputs).map(([k, v]) => `[[ ## ${k} ## ]]\n${typeof v === "string" ? v : JSON.stringify(v)}`);
  return [...sections, "[[ ## completed ## ]]"].join("\n\n");
}

/**
 * The value of input field `name` in the request's main (last) user message,
 * as laid out by the chat and JSON adapters; undefined when absent.
 * Non-string inputs come back as their JSON text.
 */
export function inputOf(request: LMRequest, name: string): string | undefined {
  const user = [...request.messages].reverse().find((m) => m.role === "user" && m.content.includes(`[[ ## ${name} ## ]]`));
  return user ? chatFields(user.content)[name] : undefined;
}
