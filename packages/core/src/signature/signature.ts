// A Signature declares what a predictor takes and returns: ordered, typed,
// described fields (zod schemas) plus the task instructions.
import { z } from "zod";
import { OtpforgeError } from "../errors.js";
import { hashValue } from "../hash.js";
import { FIELD_NAME, fieldInfo, toJSONSchema, type FieldInfo, type Fields } from "./fields.js";
import { parseShorthand, type ParseShorthand } from "./shorthand.js";

/** Values a caller passes for the fields `I` (zod input types: defaults may be omitted). */
export type InferInputs<I extends Fields> = z.input<z.ZodObject<I>>;
/** Values the fields `O` hold after validation (zod output types). */
export type InferOutputs<O extends Fields> = z.output<z.ZodObject<O>>;

export type InputsOf<S> = S extends Signature<infer I, Fields> ? InferInputs<I> : never;
export type OutputsOf<S> = S extends Signature<Fields, infer O> ? InferOutputs<O> : never;

type Simplify<T> = { [K in keyof T]: T[K] } & {};

export interface SignatureSpec<I extends Fields, O extends Fields> {
  /** Display name (used in artifacts and error messages; not part of the hash). */
  name?: string;
  /** The task description shown to the model. Default: "Given the fields ..., produce the fields ...". */
  instructions?: string;
  inputs: I;
  outputs: O;
}

export class InvalidSignatureError extends OtpforgeError {
  constructor(message: string) {
    super("INVALID_SIGNATURE", message, { category: "input" });
  }
}

export class Signature<I extends Fields = Fields, O extends Fields = Fields> {
  readonly name: string;
  readonly instructions: string;
  readonly inputs: Readonly<I>;
  readonly outputs: Readonly<O>;
  readonly inputFields: readonly FieldInfo[];
  readonly outputFields: readonly FieldInfo[];
  #hash: string | undefined;
  #inputSchema: z.ZodObject<I> | undefined;
  #outputSchema: z.ZodObject<O> | undefined;

  constructor(spec: SignatureSpec<I, O>) {
    const name = spec.name ?? "Signature";
    checkFields(name, spec.inputs, "inputs", false);
    checkFields(name, spec.outputs, "outputs", true);
    for (const key of Object.keys(spec.outputs)) {
      if (Object.hasOwn(spec.inputs, key)) {
        throw new InvalidSignatureError(`Signature ${name}: "${key}" is both an input and an output field; rename one of them.`);
      }
    }
    this.name = name;
    this.inputs = Object.freeze({ ...spec.inputs });
    this.outputs = Object.freeze({ ...spec.outputs });
    this.inputFields = Object.freeze(Object.entries(spec.inputs).map(([k, s]) => Object.freeze(fieldInfo(k, s, "input"))));
    this.outputFields = Object.freeze(Object.entries(spec.outputs).map(([k, s]) => Object.freeze(fieldInfo(k, s, "output"))));
    this.instructions = spec.instructions?.trim() || defaultInstructions(this.inputFields, this.outputFields);
  }

  get inputNames(): string[] {
    return this.inputFields.map((f) => f.name);
  }

  get outputNames(): string[] {
    return this.outputFields.map((f) => f.name);
  }

  /**
   * Content hash of what the model is asked: instructions, and for every field
   * in order its name, description and JSON schema. Stable across processes;
   * the display name is deliberately excluded.
   */
  hash(): string {
    this.#hash ??= hashValue({
      v: 1,
      instructions: this.instructions,
      inputs: this.inputFields.map(hashedField),
      outputs: this.outputFields.map(hashedField),
    });
    return this.#hash;
  }

  /** zod object of the input fields (strips unknown keys). */
  inputSchema(): z.ZodObject<I> {
    this.#inputSchema ??= z.object(this.inputs as I);
    return this.#inputSchema;
  }

  /** zod object of the output fields (strips unknown keys). */
  outputSchema(): z.ZodObject<O> {
    this.#outputSchema ??= z.object(this.outputs as O);
    return this.#outputSchema;
  }

  /** JSON schema of the output object (for structured output), without `$schema`. */
  outputJSONSchema(): Record<string, unknown> {
    return toJSONSchema(this.outputSchema(), "output");
  }

  withInstructions(instructions: string): Signature<I, O> {
    return new Signature({ name: this.name, instructions, inputs: this.inputs as I, outputs: this.outputs as O });
  }

  withName(name: string): Signature<I, O> {
    return new Signature({ name, instructions: this.instructions, inputs: this.inputs as I, outputs: this.outputs as O });
  }

  /** A new signature with `name` as the first output field (ChainOfThought adds `reasoning` so). */
  prependOutput<N extends string, S extends z.ZodType>(name: N, schema: S): Signature<I, Simplify<{ [K in N]: S } & O>> {
    this.assertNewField(name);
    const outputs = { [name]: schema, ...this.outputs } as unknown as Simplify<{ [K in N]: S } & O>;
    return new Signature({ name: this.name, instructions: this.instructions, inputs: this.inputs as I, outputs });
  }

  appendOutput<N extends string, S extends z.ZodType>(name: N, schema: S): Signature<I, Simplify<O & { [K in N]: S }>> {
    this.assertNewField(name);
    const outputs = { ...this.outputs, [name]: schema } as unknown as Simplify<O & { [K in N]: S }>;
    return new Signature({ name: this.name, instructions: this.instructions, inputs: this.inputs as I, outputs });
  }

  appendInput<N extends string, S extends z.ZodType>(name: N, schema: S): Signature<Simplify<I & { [K in N]: S }>, O> {
    this.assertNewField(name);
    const inputs = { ...this.inputs, [name]: schema } as unknown as Simplify<I & { [K in N]: S }>;
    return new Signature({ name: this.name, instructions: this.instructions, inputs, outputs: this.outputs as O });
  }

  private assertNewField(name: string): void {
    if (Object.hasOwn(this.inputs, name) || Object.hasOwn(this.outputs, name)) {
      throw new InvalidSignatureError(`Signature ${this.name} already has a field "${name}".`);
    }
  }

  /** `question: string, context: string[] -> answer: string` */
  toString(): string {
    const list = (fs: readonly FieldInfo[]) => fs.map((f) => `${f.name}: ${f.typeLabel}`).join(", ");
    return `${list(this.inputFields)} -> ${list(this.outputFields)}`;
  }
}

function hashedField(f: FieldInfo) {
  return { name: f.name, description: f.description ?? null, schema: f.jsonSchema };
}

function defaultInstructions(inputs: readonly FieldInfo[], outputs: readonly FieldInfo[]): string {
  const names = (fs: readonly FieldInfo[]) => fs.map((f) => `\`${f.name}\``).join(", ");
  return inputs.length
    ? `Given the fields ${names(inputs)}, produce the fields ${names(outputs)}.`
    : `Produce the fields ${names(outputs)}.`;
}

function checkFields(sig: string, fields: unknown, side: string, needOne: boolean): void {
  if (!fields || typeof fields !== "object" || Array.isArray(fields)) {
    throw new InvalidSignatureError(`Signature ${sig}: ${side} must be an object of zod schemas, e.g. { answer: z.string() }.`);
  }
  const entries = Object.entries(fields);
  if (needOne && entries.length === 0) throw new InvalidSignatureError(`Signature ${sig}: declare at least one output field.`);
  for (const [key, schema] of entries) {
    if (!FIELD_NAME.test(key) || key === "completed") {
      throw new InvalidSignatureError(
        `Signature ${sig}: "${key}" is not a usable field name (letters, digits and _, not starting with a digit; "completed" is reserved).`,
      );
    }
    if (!schema || typeof schema !== "object" || !("_zod" in schema)) {
      throw new InvalidSignatureError(`Signature ${sig}: ${side}.${key} is not a zod schema (use z.string(), z.number(), ...).`);
    }
  }
}

export interface ShorthandOptions {
  name?: string;
  instructions?: string;
  /** Descriptions per field name, since the shorthand has no room for them. */
  descriptions?: Record<string, string>;
}

type ShorthandSignature<S extends string> = Signature<ParseShorthand<S>[0], ParseShorthand<S>[1]>;

/**
 * Declares a signature, from an object of zod schemas or from the shorthand
 * `"question: string, context: string[] -> answer: string"` (types: string,
 * number, int, boolean, json, each optionally with [] suffixes; `name?` is optional).
 */
export function signature<S extends string>(shorthand: S, options?: ShorthandOptions): ShorthandSignature<S>;
export function signature<I extends Fields, O extends Fields>(spec: SignatureSpec<I, O>): Signature<I, O>;
export function signature(spec: string | SignatureSpec<Fields, Fields>, options: ShorthandOptions = {}): Signature {
  if (typeof spec !== "string") return new Signature(spec);
  const { inputs, outputs } = parseShorthand(spec);
  const describe = (fields: Fields): Fields => {
    const out: Fields = {};
    for (const [k, s] of Object.entries(fields)) {
      const d = options.descriptions?.[k];
      out[k] = d ? s.describe(d) : s;
    }
    return out;
  };
  const unknown = Object.keys(options.descriptions ?? {}).filter((k) => !(k in inputs) && !(k in outputs));
  if (unknown.length) {
    throw new InvalidSignatureError(`signature("${spec}"): descriptions name unknown fields: ${unknown.join(", ")}.`);
  }
  return new Signature({
    name: options.name ?? spec.replace(/\s+/g, " ").trim(),
    instructions: options.instructions,
    inputs: describe(inputs),
    outputs: describe(outputs),
  });
}
