import { OtpforgeError } from "@otpforge/core";

/** A split or data choice that does not fit the data: bad input (exit 2 on the command line). */
export class EvalSplitError extends OtpforgeError {
  constructor(message: string) {
    super("EVAL_SPLIT", message, { category: "input" });
  }
}
