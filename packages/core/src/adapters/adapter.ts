// An adapter turns (signature, instructions, demos, inputs) into chat messages
// and the model's text back into validated outputs. The base class owns the
// call loop: a parse failure is shown to the model and retried, then raised
// as AdapterParseError carrying every raw answer and the zod issues.
import type { z } from "zod";
import { OtpforgeError } from "../errors.js";
import type { Data } from "../example.js";
import {
  addUsage,
  ZERO_USAGE,
  type ChatMessage,
  type LM,
  type LMRequest,
  type LMResponse,
  type ResponseFormat,
  type Usage,
} from "../lm/types.js";
import type { Fields } from "../signature/fields.js";
import type { InferOutputs, Signature } from "../signature/signature.js";
import { formatInputSections, PARTIAL_DEMO_PREFIX, splitDemos } from "./values.js";

export type Issue = z.core.$ZodIssue;

export interface FormatRequest {
  /** Overrides the signature's instructions (optimizers tune these). */
  instructions?: string;
  /** Demonstrations: objects holding some or all of the signature's fields. */
  demos?: readonly Data[];
  /** Values for the input fields; strings are inserted as they are (placeholders such as "{question}" work). */
  inputs: Data;
}

export interface ParseFailure {
  /** One line per problem, as shown to the model on retry. */
  message: string;
  issues: Issue[];
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: ParseFailure };

export interface AdapterCallOptions {
  temperature?: number;
  maxTokens?: number;
  reasoningEffort?: LMRequest["reasoningEffort"];
  thinkingBudgetTokens?: number;
  providerOptions?: Record<string, unknown>;
  rolloutId?: string | number;
  cache?: boolean;
  signal?: AbortSignal;
}

export interface AdapterResult<T> {
  outputs: T;
  /** Text of the completion the outputs came from. */
  raw: string;
  /** The last LM response. */
  response: LMResponse;
  /** Usage summed over all attempts. */
  usage: Usage;
  attempts: number;
  /** The messages of the final attempt (for traces and debugging). */
  messages: ChatMessage[];
}

export class AdapterParseError extends OtpforgeError {
  /** Raw text of the last attempt. */
  readonly raw: string;
  /** Raw text of every attempt, oldest first. */
  readonly attemptsRaw: readonly string[];
  /** zod issues of the last attempt. */
  readonly issues: readonly Issue[];
  readonly signatureName: string;
  readonly adapter: string;

  constructor(args: { signatureName: string; adapter: string; attemptsRaw: string[]; failure: ParseFailure }) {
    const raw = args.attemptsRaw[args.attemptsRaw.length - 1] ?? "";
    const n = args.attemptsRaw.length;
    super(
      "ADAPTER_PARSE",
      `The LM's answer for signature ${args.signatureName} could not be parsed by ${args.adapter} ` +
        `after ${n} attempt${n === 1 ? "" : "s"}:\n${args.failure.message}\n` +
        `Raw answer (last attempt):\n${truncate(raw, 2000)}\n` +
        `Try a stronger model, simpler output types, another adapter, or more parse retries ({ maxRetries }).`,
    );
    this.raw = raw;
    this.attemptsRaw = Object.freeze([...args.attemptsRaw]);
    this.issues = Object.freeze([...args.failure.issues]);
    this.signatureName = args.signatureName;
    this.adapter = args.adapter;
  }
}

export interface AdapterOptions {
  /** Extra LM calls after a parse failure, each showing the error to the model. Default 2. */
  maxRetries?: number;
}

export abstract class Adapter {
  abstract readonly name: string;
  readonly maxRetries: number;

  constructor(options: AdapterOptions = {}) {
    const r = options.maxRetries ?? 2;
    if (!Number.isInteger(r) || r < 0) throw new OtpforgeError("INVALID_OPTION", `maxRetries must be an integer >= 0, got ${r}.`);
    this.maxRetries = r;
  }

  /**
   * The messages sent for one call, in DSPy's layout for every adapter: the
   * system message, then demos as user/assistant pairs (partial demos first,
   * flagged as such), then the inputs with what the answer must look like.
   */
  format<I extends Fields, O extends Fields>(sig: Signature<I, O>, request: FormatRequest): ChatMessage[] {
    const s = sig as unknown as Signature;
    const messages: ChatMessage[] = [{ role: "system", content: this.systemMessage(s, request.instructions ?? sig.instructions) }];
    const { partial, complete } = splitDemos(s, request.demos ?? []);
    for (const demo of partial) {
      messages.push({ role: "user", content: `${PARTIAL_DEMO_PREFIX}\n\n${formatInputSections(s, demo)}` });
      messages.push({ role: "assistant", content: this.formatAnswer(s, demo) });
    }
    for (const demo of complete) {
      messages.push({ role: "user", content: formatInputSections(s, demo) });
      messages.push({ role: "assistant", content: this.formatAnswer(s, demo) });
    }
    const inputs = formatInputSections(s, request.inputs);
    messages.push({ role: "user", content: `${inputs ? `${inputs}\n\n` : ""}${this.outputRequirements(s)}` });
    return messages;
  }

  /** The system message: fields, answer layout and instructions. */
  abstract systemMessage(sig: Signature, instructions: string): string;

  /** What the final user message says the answer must look like. */
  abstract outputRequirements(sig: Signature): string;

  /** Outputs from the model's text, validated with the signature's zod schemas. */
  abstract parse<I extends Fields, O extends Fields>(sig: Signature<I, O>, text: string): ParseResult<InferOutputs<O>>;

  /** The assistant text that would answer with `outputs` (used for demos and fine-tuning exports). */
  abstract formatAnswer<I extends Fields, O extends Fields>(sig: Signature<I, O>, outputs: Data): string;

  /** The user message that shows a parse failure to the model and asks again. */
  abstract formatRetry<I extends Fields, O extends Fields>(sig: Signature<I, O>, failure: ParseFailure): string;

  /** Structured-output request for providers that support it. */
  responseFormat<I extends Fields, O extends Fields>(_sig: Signature<I, O>): ResponseFormat | undefined {
    return undefined;
  }

  async call<I extends Fields, O extends Fields>(
    lm: LM,
    sig: Signature<I, O>,
    request: FormatRequest,
    options: AdapterCallOptions = {},
  ): Promise<AdapterResult<InferOutputs<O>>> {
    const base = this.format(sig, request);
    const responseFormat = this.responseFormat(sig);
    let messages = base;
    let usage = ZERO_USAGE;
    const attemptsRaw: string[] = [];
    let failure: ParseFailure | undefined;
    let maxTokens = options.maxTokens;
    let enlarged = false;
    for (let attempt = 1; attempt <= this.maxRetries + 1; attempt++) {
      const response = await lm.generate({
        messages,
        temperature: options.temperature,
        maxTokens,
        ...(options.reasoningEffort !== undefined ? { reasoningEffort: options.reasoningEffort } : {}),
        ...(options.thinkingBudgetTokens !== undefined ? { thinkingBudgetTokens: options.thinkingBudgetTokens } : {}),
        ...(options.providerOptions ? { providerOptions: options.providerOptions } : {}),
        rolloutId: options.rolloutId,
        cache: options.cache,
        signal: options.signal,
        ...(responseFormat ? { responseFormat } : {}),
      });
      usage = addUsage(usage, response.usage);
      const first = response.completions[0];
      const raw = first?.text ?? "";
      const parsed: ParseResult<InferOutputs<O>> = first
        ? this.parse(sig, raw)
        : { ok: false, error: customFailure("the LM returned no completion") };
      if (parsed.ok) return { outputs: parsed.value, raw, response, usage, attempts: attempt, messages };
      attemptsRaw.push(raw);
      failure = parsed.error;
      if (first?.finishReason === "length") {
        // Cut off, not malformed: asking again at the same limit cuts it off
        // again. Once, the same prompt with twice the limit; then a clear error.
        if (!enlarged) {
          enlarged = true;
          maxTokens = maxTokens ? maxTokens * 2 : TRUNCATION_RETRY_MAX_TOKENS;
          messages = base;
          attempt--; // not a parse retry: maxRetries still applies to malformed answers
          continue;
        }
        failure = {
          message: `${failure.message}\n(the answer was cut off at the token limit twice, the second time at maxTokens=${maxTokens}: raise maxTokens)`,
          issues: failure.issues,
        };
        break;
      }
      // Retry with the original prompt plus only the latest failed answer, so
      // the prompt does not grow with every attempt.
      messages = [...base, { role: "assistant", content: raw }, { role: "user", content: this.formatRetry(sig, failure) }];
    }
    throw new AdapterParseError({ signatureName: sig.name, adapter: this.name, attemptsRaw, failure: failure! });
  }
}

/** The limit of the one retry of an answer cut off at the provider's default limit. */
export const TRUNCATION_RETRY_MAX_TOKENS = 16_384;

/** A failure with one custom issue (for problems zod did not see, e.g. no JSON at all). */
export function customFailure(message: string, path: PropertyKey[] = []): ParseFailure {
  return { message: `- ${message}`, issues: [{ code: "custom", path, message, input: undefined } as Issue] };
}

/** "- answer: expected number, received string" lines. */
export function describeIssues(issues: readonly Issue[]): string {
  return issues.map((i) => `- ${i.path.length ? `${i.path.map(String).join(".")}: ` : ""}${i.message}`).join("\n");
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}\n… (${text.length - max} more characters)`;
}
