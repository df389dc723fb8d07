// One row of a dataset: plain data plus which keys are the inputs; the other
// keys are labels (what a metric compares the prediction with).
import { OtpforgeError } from "./errors.js";

export type Data = Record<string, unknown>;

export class ExampleInputsNotSetError extends OtpforgeError {
  constructor(keys: string[]) {
    super(
      "EXAMPLE_INPUTS_NOT_SET",
      `This example does not say which keys are inputs (keys: ${keys.join(", ") || "none"}). ` +
        `Call .withInputs("question", ...) on it, e.g. example({ question, answer }).withInputs("question").`,
      { category: "input" },
    );
  }
}

export class Example<T extends Data = Data, K extends keyof T & string = keyof T & string> {
  readonly data: Readonly<T>;
  /** Undefined until `withInputs` is called. */
  readonly inputKeys: readonly K[] | undefined;

  constructor(data: T, inputKeys?: readonly K[]) {
    this.data = Object.freeze({ ...data });
    if (inputKeys) {
      const missing = inputKeys.filter((k) => !Object.hasOwn(data, k));
      if (missing.length) {
        throw new OtpforgeError(
          "EXAMPLE_UNKNOWN_INPUT",
          `withInputs names keys this example does not have: ${missing.join(", ")} (keys: ${Object.keys(data).join(", ")}).`,
        );
      }
      this.inputKeys = Object.freeze([...inputKeys]);
    } else {
      this.inputKeys = undefined;
    }
  }

  /** A copy that marks `keys` as inputs (replacing any earlier choice). */
  withInputs<L extends keyof T & string>(...keys: L[]): Example<T, L> {
    return new Example<T, L>(this.data as T, keys);
  }

  /** The input part; throws ExampleInputsNotSetError when `withInputs` was never called. */
  inputs(): Pick<T, K> {
    const keys = this.requireInputKeys();
    const out: Data = {};
    for (const k of keys) out[k] = this.data[k];
    return out as Pick<T, K>;
  }

  /** Everything that is not an input. */
  labels(): Omit<T, K> {
    const keys = new Set<string>(this.requireInputKeys());
    const out: Data = {};
    for (const [k, v] of Object.entries(this.data)) if (!keys.has(k)) out[k] = v;
    return out as Omit<T, K>;
  }

  get<P extends keyof T>(key: P): T[P] {
    return this.data[key];
  }

  /** A copy with some values replaced or added; input keys are kept. */
  with<U extends Data>(updates: U): Example<Omit<T, keyof U> & U, K & keyof (Omit<T, keyof U> & U) & string> {
    const data = { ...this.data, ...updates } as Omit<T, keyof U> & U;
    return new Example(data, this.inputKeys as never);
  }

  toJSON(): { data: T; inputKeys?: K[] } {
    return this.inputKeys ? { data: { ...this.data } as T, inputKeys: [...this.inputKeys] } : { data: { ...this.data } as T };
  }

  private requireInputKeys(): readonly K[] {
    if (!this.inputKeys) throw new ExampleInputsNotSetError(Object.keys(this.data));
    return this.inputKeys;
  }
}

export function example<T extends Data>(data: T): Example<T> {
  return new Example(data);
}
