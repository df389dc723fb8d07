// ChainOfThought: Predict with a `reasoning` output placed before the others,
// so the model writes its reasoning first.
import { z } from "zod";
import type { Fields } from "../signature/fields.js";
import type { Signature } from "../signature/signature.js";
import { Predict, type PredictOptions } from "./predict.js";

export const REASONING_DESCRIPTION = "Think step by step in order to produce the output fields.";

const reasoningField = () => z.string().describe(REASONING_DESCRIPTION);

export type WithReasoning<O extends Fields> = { reasoning: z.ZodString } & O;

export class ChainOfThought<I extends Fields = Fields, O extends Fields = Fields> extends Predict<
  I,
  { [K in keyof WithReasoning<O>]: WithReasoning<O>[K] }
> {
  /** The signature without the reasoning field. */
  readonly baseSignature: Signature<I, O>;

  constructor(signature: Signature<I, O>, options: PredictOptions = {}) {
    super(signature.prependOutput("reasoning", reasoningField()), options);
    this.baseSignature = signature;
  }
}
