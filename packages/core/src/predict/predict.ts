// Predict: one LM call for one signature, with tunable instructions and demos.
import type { Adapter } from "../adapters/adapter.js";
import { OtpforgeError } from "../errors.js";
import type { Data } from "../example.js";
import type { LMRequest } from "../lm/types.js";
import type { ChatMessage, LM } from "../lm/types.js";
import { Module, PREDICTOR } from "../module.js";
import { Prediction } from "../prediction.js";
import { currentAdapter, currentLM } from "../settings.js";
import type { Fields } from "../signature/fields.js";
import type { InferInputs, InferOutputs, Signature } from "../signature/signature.js";
import { predictorStateSchema, InvalidStateError, StateMismatchError, type PredictorState } from "../state.js";
import { recordTraceStep } from "../trace.js";

export interface PredictOptions {
  /** This predictor's LM (a per-call `lm` wins over it). */
  lm?: LM;
  adapter?: Adapter;
  temperature?: number;
  maxTokens?: number;
  /** Reasoning controls and other provider parameters for this predictor's calls (see LMRequest). */
  reasoningEffort?: LMRequest["reasoningEffort"];
  thinkingBudgetTokens?: number;
  providerOptions?: Record<string, unknown>;
  /** Instructions to use instead of the signature's. */
  instructions?: string;
  demos?: Data[];
}

export interface ForwardOptions {
  lm?: LM;
  adapter?: Adapter;
  temperature?: number;
  maxTokens?: number;
  reasoningEffort?: LMRequest["reasoningEffort"];
  thinkingBudgetTokens?: number;
  providerOptions?: Record<string, unknown>;
  /** Makes an otherwise identical request distinct (bypasses a cached answer). */
  rolloutId?: string | number;
  cache?: boolean;
  signal?: AbortSignal;
}

export class InputValidationError extends OtpforgeError {
  readonly issues: readonly { path: PropertyKey[]; message: string }[];

  constructor(signatureName: string, expected: string[], issues: { path: PropertyKey[]; message: string }[]) {
    super(
      "INVALID_INPUTS",
      `Invalid inputs for signature ${signatureName}:\n` +
        issues.map((i) => `- ${i.path.map(String).join(".") || "(inputs)"}: ${i.message}`).join("\n") +
        `\nExpected the input fields: ${expected.join(", ") || "(none)"}.`,
      { category: "input" },
    );
    this.issues = issues;
  }
}

export class Predict<I extends Fields = Fields, O extends Fields = Fields> extends Module {
  readonly [PREDICTOR] = true;
  readonly signature: Signature<I, O>;
  /** The instructions sent to the model (optimizers rewrite these). */
  instructions: string;
  /** Demonstrations: objects with some or all of the signature's fields. */
  demos: Data[];
  lm: LM | undefined;
  adapter: Adapter | undefined;
  temperature: number | undefined;
  maxTokens: number | undefined;
  /** Reasoning controls and provider parameters given at construction. */
  params: Pick<PredictOptions, "reasoningEffort" | "thinkingBudgetTokens" | "providerOptions">;

  constructor(signature: Signature<I, O>, options: PredictOptions = {}) {
    super();
    this.signature = signature;
    this.instructions = options.instructions ?? signature.instructions;
    this.demos = options.demos ? [...options.demos] : [];
    this.lm = options.lm;
    this.adapter = options.adapter;
    this.temperature = options.temperature;
    this.maxTokens = options.maxTokens;
    this.params = {
      ...(options.reasoningEffort !== undefined ? { reasoningEffort: options.reasoningEffort } : {}),
      ...(options.thinkingBudgetTokens !== undefined ? { thinkingBudgetTokens: options.thinkingBudgetTokens } : {}),
      ...(options.providerOptions ? { providerOptions: { ...options.providerOptions } } : {}),
    };
  }

  async forward(inputs: InferInputs<I>, options: ForwardOptions = {}): Promise<Prediction<InferOutputs<O>>> {
    const checked = this.signature.inputSchema().safeParse(inputs);
    if (!checked.success) throw new InputValidationError(this.signature.name, this.signature.inputNames, checked.error.issues);
    const values = checked.data as Data;
    const lm = currentLM(options.lm ?? this.lm);
    const adapter = currentAdapter(options.adapter ?? this.adapter);
    const result = await adapter.call(
      lm,
      this.signature,
      { instructions: this.instructions, demos: this.demos, inputs: values },
      {
        temperature: options.temperature ?? this.temperature,
        maxTokens: options.maxTokens ?? this.maxTokens,
        reasoningEffort: options.reasoningEffort ?? this.params.reasoningEffort,
        thinkingBudgetTokens: options.thinkingBudgetTokens ?? this.params.thinkingBudgetTokens,
        ...(options.providerOptions || this.params.providerOptions
          ? { providerOptions: { ...this.params.providerOptions, ...options.providerOptions } }
          : {}),
        rolloutId: options.rolloutId,
        cache: options.cache,
        signal: options.signal,
      },
    );
    const prediction = new Prediction(result.outputs, {
      raw: result.raw,
      lm: result.response.model || lm.id,
      usage: result.usage,
      attempts: result.attempts,
      cacheHit: result.response.cacheHit,
      costUSD: result.response.costUSD,
    });
    recordTraceStep({ predictor: this, inputs: values, outputs: result.outputs as Data, prediction: prediction as Prediction<Data> });
    return prediction;
  }

  /**
   * The messages this predictor would send. Without inputs, each input field
   * is a `{name}` placeholder: the prompt template that artifacts export.
   */
  format(inputs?: Partial<InferInputs<I>> | Data, options: { adapter?: Adapter } = {}): ChatMessage[] {
    const values: Data = {};
    for (const name of this.signature.inputNames) values[name] = `{${name}}`;
    Object.assign(values, inputs ?? {});
    return currentAdapter(options.adapter ?? this.adapter).format(this.signature, {
      instructions: this.instructions,
      demos: this.demos,
      inputs: values,
    });
  }

  /** A bare predictor is its own only predictor, named "self" (as in DSPy). */
  override namedPredictors(): Array<[string, Predict<any, any>]> {
    return [["self", this]];
  }

  reset(): void {
    this.demos = [];
    this.instructions = this.signature.instructions;
  }

  getState(): PredictorState {
    return {
      signatureHash: this.signature.hash(),
      instructions: this.instructions,
      demos: this.demos.map((d) => structuredClone({ ...d })),
    };
  }

  /** Applies one predictor's state; the signature hash must match. */
  setState(state: PredictorState): void {
    const r = predictorStateSchema.safeParse(state);
    if (!r.success) throw new InvalidStateError(r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
    if (r.data.signatureHash !== this.signature.hash()) {
      throw new StateMismatchError({
        missing: [],
        unexpected: [],
        hashMismatches: [{ name: this.signature.name, program: this.signature.hash(), state: r.data.signatureHash }],
      });
    }
    this.instructions = r.data.instructions;
    this.demos = r.data.demos.map((d) => structuredClone(d));
  }
}
